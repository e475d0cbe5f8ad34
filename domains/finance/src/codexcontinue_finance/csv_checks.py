"""Checks that stop silent damage before a CSV is imported: balances that must follow the amounts, and signs that
look flipped.

Each check either passes (and says so, for the import record), or gives a question with the lines
concerned; the import goes ahead only once the question is answered.

- **Running balance**: the balance after each row must change by that row's amount, in the file's
  order or in reverse (newest first). Rows of one day may be listed in any order, so a day whose
  rows together move the balance from the day before to one of its own balances passes too.
  A balance that follows the amounts only with every sign flipped says the signs are flipped.
- **Opening and closing balance** (columns, or lines such as 'Opening balance' around the table):
  the opening balance plus every amount must give the closing one. **Totals** ('Total', 'Summe',
  'Somme', 'Suma' lines): they must equal the sum of the amounts (or of the debits or credits).
- **Card signs**: most amounts positive, while the negative ones read like payments to the card
  ('PAYMENT', 'THANK YOU', 'AUTOPAY') or the positive ones like shopping, is how card exports that
  show charges as positive look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .categories import keyword_category
from .messages import listed
from .questions import Answer, Question

CENT = 0.005
#: Runs of days the day-by-day balance check walks through at most (a file sorted by date has a few thousand).
MAX_DAYS = 50_000
WHAT_SUMS = {"amount": "amounts", "debit": "debits", "credit": "credits"}
PAYMENT_WORDS = r"(?i)\b(?:PAYMENT|THANK YOU|AUTOPAY|AUTO-PMT|AUTOMATIC PAYMENT|PAIEMENT|ZAHLUNG|PAGO|REFUND|RETURN|CREDIT)\b"
NOT_SPENDING = {"Income", "Transfers"}
TOTAL_WORDS = r"(?i)\b(?:total|totals|summe|gesamt|somme|suma|totaal|totale)\b"
OPENING_WORDS = r"(?i)\b(?:opening|beginning|starting|previous|anfangssaldo|alter saldo|solde initial|solde precedent|saldo inicial|saldo anterior)\b"
CLOSING_WORDS = r"(?i)\b(?:closing|ending|new balance|endsaldo|neuer saldo|solde final|nouveau solde|saldo final)\b"


@dataclass
class CheckResult:
    """What the checks found: the checks passed (sentences), and the questions to ask."""

    passed: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    signs_flipped: bool = False


def _cents(series: pl.Series) -> pl.Series:
    return (series * 100).round(0).cast(pl.Int64)


def running_balance(rows: pl.DataFrame) -> tuple[str, list[int]]:
    """Whether the balance of `rows` (line, date, amount, balance; file order; one currency) follows the amounts:
    ('follows' | 'flipped' | 'short' | 'broken', and for 'broken' the lines where it does not)."""
    rows = rows.filter(pl.col("balance").is_not_null() & pl.col("amount").is_not_null())
    if rows.height < 2:
        return "short", []
    fewest: list[int] | None = None
    for sign, verdict in ((1, "follows"), (-1, "flipped")):
        for ordered in (rows, rows.reverse()):  # oldest first, or newest first
            bad = _strict_misses(ordered, sign)
            if not bad or _days_follow(ordered, sign):
                return verdict, []
            if verdict == "follows" and (fewest is None or len(bad) < len(fewest)):
                fewest = bad
    return "broken", sorted(fewest or [])


def _strict_misses(ordered: pl.DataFrame, sign: int) -> list[int]:
    """Lines whose balance is not the previous row's balance plus `sign` times their amount."""
    step = _cents(ordered["balance"]).diff()
    miss = (step - sign * _cents(ordered["amount"])).abs().fill_null(0) > 0
    return ordered.filter(miss)["line"].to_list()


def _days_follow(ordered: pl.DataFrame, sign: int) -> bool:
    """Whether each day's rows, in any order within the day, take the balance from the day before to one of that
    day's own balances."""
    days = (
        ordered.with_columns(_cents(pl.col("amount")).alias("a"), _cents(pl.col("balance")).alias("b"))
        .group_by(pl.col("date").rle_id().alias("day"), maintain_order=True)
        .agg(pl.col("a").sum(), pl.col("b"))
    )
    if days.height > MAX_DAYS:  # a file whose days are not in order at all: no day-by-day reading of it
        return False
    candidates: set[int] | None = None
    for total, balances in days.select("a", "b").iter_rows():
        if candidates is None:
            candidates = set(balances)
            continue
        candidates = {previous + sign * total for previous in candidates} & set(balances)
        if not candidates:
            return False
    return True


def check_balances(
    rows: pl.DataFrame,
    opening: float | None,
    closing: float | None,
    totals: list[tuple[int, str, float]],
    negate_answered: bool,
) -> CheckResult:
    """Check `rows` (line, date, amount, currency, balance) against their balance column, the opening and closing
    balance, and the totals lines (line, which sum: 'amount' | 'debit' | 'credit', value)."""
    result = CheckResult()
    if "balance" in rows.columns and rows["balance"].is_not_null().sum() >= 2:
        broken: list[int] = []
        for _, part in rows.group_by("currency", maintain_order=True):
            verdict, lines = running_balance(part)
            if verdict == "flipped" and not negate_answered:
                result.signs_flipped = True
            elif verdict == "flipped":
                broken.extend(part["line"].to_list()[:10])
            elif verdict == "broken":
                broken.extend(lines)
        if broken:
            result.questions.append(_balance_question("The balance column does not follow the amounts", broken))
        elif not result.signs_flipped:
            result.passed.append(f"The balance column follows the amount of every row ({rows.height} rows).")
    if opening is not None and closing is not None:
        total = rows["amount"].sum()
        if abs(opening + total - closing) > CENT:
            result.questions.append(
                _balance_question(
                    f"The opening balance {opening:,.2f} plus the amounts ({total:,.2f}) gives "
                    f"{opening + total:,.2f}, not the closing balance {closing:,.2f}",
                    [],
                )
            )
        else:
            result.passed.append(
                f"The opening balance {opening:,.2f} plus every amount gives the closing balance {closing:,.2f}."
            )
    for line, kind, value in totals:
        amounts = rows["amount"]
        expected = {
            "amount": amounts.sum(),
            "debit": -amounts.filter(amounts < 0).sum(),
            "credit": amounts.filter(amounts > 0).sum(),
        }[kind]
        if abs(abs(value) - abs(expected)) > CENT:
            result.questions.append(
                _balance_question(
                    f"Line {line} gives a total of {value:,.2f}, but the {WHAT_SUMS[kind]} add up to {expected:,.2f}",
                    [line],
                )
            )
        else:
            result.passed.append(f"The total on line {line} ({value:,.2f}) equals the sum of the {WHAT_SUMS[kind]}.")
    return result


def _balance_question(finding: str, lines: list[int]) -> Question:
    where = f" (lines {listed(lines, 8)})" if lines else ""
    return Question(
        id="balance",
        text=(
            f"{finding}{where}: rows may be missing, repeated or misread. Check the file (or export it again); "
            "import it anyway only if you know why."
        ),
        lines=lines[:50],
        answers=[Answer(label="Import anyway, without the balance check", mapping={"ignore_balance": True})],
    )


def card_sign_question(rows: pl.DataFrame, balance_says_flipped: bool) -> Question | None:
    """A question when `rows` (line, description, amount) look like a card export whose charges are positive."""
    amounts = rows["amount"]
    if rows.height == 0:
        return None
    positive = rows.filter(amounts > 0)
    negative = rows.filter(amounts < 0)
    evidence = None
    if balance_says_flipped:
        evidence = "the balance column moves the opposite way to the amounts"
    elif positive.height >= 0.6 * rows.height:
        payments = negative["description"].str.contains(PAYMENT_WORDS).sum() if negative.height else 0
        spending = [keyword_category(d.upper()) for d in positive["description"].unique().head(200).to_list()]
        known = [found[0] for found in spending if found]
        shopping = sum(1 for category in known if category not in NOT_SPENDING)
        if negative.height and payments >= 0.5 * negative.height:
            evidence = "most amounts are positive and the negative ones read like payments to the card"
        elif positive.height >= 3 and known and shopping >= 0.5 * len(known):
            evidence = "most amounts are positive and they read like purchases"
    if evidence is None:
        return None
    sample = positive.head(1) if positive.height else rows.head(1)
    line, description, amount = sample.select("line", "description", "amount").row(0)
    return Question(
        id="sign",
        text=(
            f"This looks like a card export that shows charges as positive: {evidence} (line {line}: "
            f"{description!r} {amount:+,.2f}). Should charges be stored as money out?"
        ),
        lines=rows.filter(pl.col("amount") > 0)["line"].head(10).to_list(),
        answers=[
            Answer(label="Yes: flip every sign (charges become money out)", mapping={"negate": True}),
            Answer(label="No: keep the signs as written", mapping={"negate": False}),
        ],
    )


def flow_question(new: pl.DataFrame, known: pl.DataFrame, account: str) -> Question | None:
    """A question when rows of `new` (line, date, description, amount) appear in the ledger's rows `known` for the
    same account with the opposite sign, or when the account's money flows the other way in this file."""
    if known.is_empty() or new.is_empty():
        return None
    key = [pl.col("date"), pl.col("description").str.to_uppercase().alias("d")]
    pairs = new.select("line", *key, pl.col("amount").alias("new")).join(
        known.select(*key, pl.col("amount").alias("old")), on=["date", "d"]
    )
    same = pairs.filter((pl.col("new") - pl.col("old")).abs() < CENT).height
    opposite = pairs.filter((pl.col("new") + pl.col("old")).abs() < CENT)
    if opposite.height >= 2 and opposite.height > same:
        finding = (
            f"{opposite.height} rows of this file are already in the ledger for account {account!r} with the "
            f"opposite sign (e.g. line {opposite['line'][0]})"
        )
        lines = opposite["line"].head(10).to_list()
    else:
        old_out = (known["amount"] < 0).mean()
        new_out = (new["amount"] < 0).mean()
        flipped = (old_out >= 0.7 and new_out <= 0.3) or (old_out <= 0.3 and new_out >= 0.7)
        if known.height < 20 or new.height < 20 or not flipped:
            return None
        finding = (
            f"in the ledger, {old_out:.0%} of account {account!r}'s rows are money out, but in this file "
            f"{new_out:.0%} are"
        )
        lines = []
    return Question(
        id="sign",
        text=f"The signs of this file look flipped: {finding}. Should every sign be flipped?",
        lines=lines,
        answers=[
            Answer(label="Yes: flip every sign", mapping={"negate": True}),
            Answer(label="No: keep the signs as written", mapping={"negate": False}),
        ],
    )
