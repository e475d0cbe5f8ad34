"""Measuring the contract review on a folder in CUAD's format: clause presence F1 per category, and
each value's precision and recall against CUAD's normalised answers (rules in `answer_scoring`).

Two ways, chosen by `mode`:

- `shipped`: the detector shipped in the pack reviews every contract of the folder. Right for
  contracts it was never fitted on (a firm's own annotated contracts).
- `cross-validated`: the contracts are split into `folds` parts by a hash of their name; for each
  part a detector is fitted (thresholds tuned inside the other parts) on the other parts only and
  reviews that part. Right for contracts the shipped detector was fitted on (CUAD's development
  contracts): no figure comes from a contract the detector saw.

`auto` picks cross-validation when any contract of the folder is one the shipped detector was fitted
on (their fingerprints ship with the model), and the shipped detector otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from . import answer_scoring as scoring
from .categories import CATEGORY_NAMES
from .contract_values import ContractValues, read_values
from .cuad import CuadContract, fold_of, read_cuad
from .detector import ScoredContract, score_contract, shipped_model, text_fingerprint
from .detector_training import examples, f1_score, train
from .presence import found_passages

Mode = Literal["auto", "shipped", "cross-validated"]
Progress = Callable[[str], None]
SCORED_VALUES = (
    "governing_law", "parties", "agreement_date", "effective_date", "expiration_date", "initial_term",
    "renewal_term", "auto_renewal", "notice_period", "liability_cap",
)  # fmt: skip


@dataclass
class PresenceScore:
    """Contract-level presence of one category: how many contracts have it, precision, recall, F1."""

    category: str
    contracts_with_it: int
    precision: float
    recall: float
    f1: float


@dataclass
class ValueScore:
    """One value's outcomes over the contracts, with precision and recall."""

    value: str
    tally: scoring.Tally = field(default_factory=scoring.Tally)


@dataclass
class Evaluation:
    """What `evaluate` measured, and how."""

    folder: Path
    mode: Literal["shipped", "cross-validated"]
    folds: int
    contracts: int
    without_text: int
    presence: list[PresenceScore]
    values: list[ValueScore]

    @property
    def macro_f1(self) -> float:
        """Presence F1 averaged over every category."""
        return float(np.mean([score.f1 for score in self.presence]))

    @property
    def macro_f1_without_parties(self) -> float:
        """Presence F1 averaged over every category but Parties (which every contract has)."""
        return float(np.mean([score.f1 for score in self.presence if score.category != "Parties"]))


def evaluate(folder: Path, mode: Mode = "auto", folds: int = 5, progress: Progress = lambda _: None) -> Evaluation:
    """Review every contract of a CUAD-format folder and score presence and values (see the module)."""
    contracts, without_text = read_cuad(folder, CATEGORY_NAMES)
    if not contracts:
        raise ValueError(f"{folder} has no contract with its text in contracts/<name>.txt.")
    progress(f"{len(contracts)} contracts with their text ({len(without_text)} rows without one)")
    if mode == "auto":
        fitted_on = shipped_model().fingerprints
        seen = sum(text_fingerprint(c.text) in fitted_on for c in contracts)
        mode = "cross-validated" if seen else "shipped"
        progress(
            f"{seen} of them were used to fit the shipped detector: cross-validating by contract"
            if seen
            else "none of them was used to fit the shipped detector: measuring it as shipped"
        )
    scored = _scored(contracts, mode, folds, progress)
    progress("reading values")
    read = [read_values(s) for s in scored]
    presence = _presence(contracts, scored, read)
    values = _values(contracts, read)
    return Evaluation(folder, mode, folds, len(contracts), len(without_text), presence, values)


def _scored(contracts: list[CuadContract], mode: str, folds: int, progress: Progress) -> list[ScoredContract]:
    if mode == "shipped":
        return [score_contract(contract.text) for contract in contracts]
    progress("reading passages")
    prepared = [examples(contract, CATEGORY_NAMES) for contract in contracts]
    scored: list[ScoredContract | None] = [None] * len(contracts)
    for part in range(folds):
        held_out = [i for i, c in enumerate(contracts) if fold_of(c.name, folds) == part]
        training = [e for e, c in zip(prepared, contracts) if fold_of(c.name, folds) != part]
        model = train(training, CATEGORY_NAMES, lambda step, part=part: progress(f"fold {part + 1} of {folds}: {step}"))
        for index in held_out:
            scored[index] = score_contract(contracts[index].text, model)
        progress(f"fold {part + 1} of {folds}: reviewed its {len(held_out)} contracts")
    return [s for s in scored if s is not None]


def _presence(
    contracts: list[CuadContract], scored: list[ScoredContract], read: list[ContractValues]
) -> list[PresenceScore]:
    found = [{f.category for f in found_passages(s, v)} for s, v in zip(scored, read)]
    scores = []
    for category in CATEGORY_NAMES:
        truth = np.array([c.has(category) for c in contracts])
        predicted = np.array([category in f for f in found])
        hits = int(np.sum(truth & predicted))
        scores.append(
            PresenceScore(
                category=category,
                contracts_with_it=int(truth.sum()),
                precision=hits / predicted.sum() if predicted.sum() else 0.0,
                recall=hits / truth.sum() if truth.sum() else 0.0,
                f1=f1_score(predicted, truth),
            )
        )
    return scores


def _values(contracts: list[CuadContract], read: list[ContractValues]) -> list[ValueScore]:
    scores = {name: ValueScore(name) for name in SCORED_VALUES}
    for contract, values in zip(contracts, read):
        for name, outcome, times in score_contract_values(contract, values):
            scores[name].tally.add(outcome, times)
    return list(scores.values())


def score_contract_values(
    contract: CuadContract, values: ContractValues
) -> list[tuple[str, scoring.Outcome, int]]:
    """Each value's outcome against the contract's CUAD answers, as (value, outcome, how many times)."""
    answer = contract.answer
    outcomes: list[tuple[str, scoring.Outcome, int]] = [
        ("governing_law", scoring.score_governing_law(values.governing_law.value, answer("Governing Law")), 1),
        ("agreement_date", scoring.score_date(values.agreement_date.value, answer("Agreement Date")), 1),
        ("effective_date", scoring.score_date(values.effective_date.value, answer("Effective Date")), 1),
        ("expiration_date", scoring.score_expiration(values.expiration_date.value, answer("Expiration Date")), 1),
        ("renewal_term", scoring.score_duration(values.renewal_term.value, answer("Renewal Term")), 1),
        (
            "notice_period",
            scoring.score_duration(values.notice_period.value, answer("Notice Period To Terminate Renewal")),
            1,
        ),
        ("initial_term", _score_initial_term(contract, values), 1),
        ("auto_renewal", _score_auto_renewal(contract, values), 1),
        ("liability_cap", _score_cap(contract, values), 1),
    ]
    right, given, expected = scoring.score_parties(values.parties.value or [], answer("Parties"))
    outcomes += [("parties", "right", right), ("parties", "wrong", given - right), ("parties", "missed", expected - right)]
    return outcomes


def _score_initial_term(contract: CuadContract, values: ContractValues) -> scoring.Outcome:
    """CUAD has no answer for the initial term; where it gives whole effective and expiration dates, the
    term between them is the answer (a month's slack either way), and 'perpetual' means there is none."""
    term = values.initial_term.value
    expiration = contract.answer("Expiration Date")
    if expiration and expiration.strip().lower().startswith("perpetual"):
        return "wrong" if term is not None else "neither"
    start = scoring.cuad_date(contract.answer("Effective Date") or contract.answer("Agreement Date"))
    end = scoring.cuad_date(expiration)
    complete = all(d is not None and None not in (d.year, d.month, d.day) for d in (start, end))
    if not complete:
        return "unscorable"
    assert start is not None and end is not None  # for the type checker; `complete` says so
    months = (_century(end.year, end.two_digit_year) - _century(start.year, start.two_digit_year)) * 12 + end.month - start.month
    if term is None:
        return "missed"
    term_months = term.days / 30
    return "right" if abs(term_months - months) <= 1 else "wrong"


def _century(year: int | None, two_digit: bool) -> int:
    year = year or 0
    return year + (2000 if year < 50 else 1900) if two_digit else year


def _score_auto_renewal(contract: CuadContract, values: ContractValues) -> scoring.Outcome:
    """CUAD has no yes/no answer for automatic renewal. A 'yes' is right where CUAD gives a notice period to
    stop the renewal (only a renewal that happens by itself needs one) and wrong where CUAD labels no
    renewal clause; a 'no' is right where CUAD labels a renewal clause but no notice period, and wrong
    where it gives one. Anything else is not scored."""
    automatic = values.auto_renewal.value
    notice = bool(contract.answer("Notice Period To Terminate Renewal"))
    renewal = contract.has("Renewal Term")
    if automatic is None:
        return "missed" if notice else "unscorable"
    if automatic:
        return "right" if notice else ("wrong" if not renewal else "unscorable")
    return "wrong" if notice else ("right" if renewal else "unscorable")


def _score_cap(contract: CuadContract, values: ContractValues) -> scoring.Outcome:
    """CUAD answers only whether there is a cap. A cap the review reads is right when its passage lies in a
    clause CUAD labels a cap on liability, wrong otherwise; a contract with a CUAD cap clause and no cap
    read counts as missed (many of CUAD's 'caps' limit kinds of damages, with no amount)."""
    cap = values.liability_cap
    spans = contract.spans("Cap On Liability")
    if cap.value is None or cap.passage is None:
        return "missed" if spans else "neither"
    inside = any(start < cap.passage.end and cap.passage.start < end for start, end in spans)
    return "right" if inside else "wrong"


def markdown_table(evaluation: Evaluation, command: str) -> str:
    """The measurement as Markdown: how it was made, presence per category, values."""
    how = (
        f"cross-validated by contract: {evaluation.folds} folds split by a hash of each contract's name; each "
        "fold reviewed by a detector fitted (and its thresholds tuned) on the other folds only"
        if evaluation.mode == "cross-validated"
        else "the detector shipped in the pack, which was not fitted on these contracts"
    )
    lines = [
        f"Command: `{command}` ({date.today().isoformat()}).",
        "",
        f"Contracts: {evaluation.contracts} with their text in `{evaluation.folder.name}`"
        f" ({evaluation.without_text} rows without text left out). Detector: {how}.",
        "",
        "| category | contracts with it | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {s.category} | {s.contracts_with_it} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"
        for s in evaluation.presence
    ]
    lines += [
        "",
        f"**Macro-F1: {evaluation.macro_f1:.3f} over the {len(evaluation.presence)} categories; "
        f"{evaluation.macro_f1_without_parties:.3f} over the {len(evaluation.presence) - 1} without Parties.**",
        "",
        "| value | right | wrong | missed | given where CUAD has none | not scored | precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for score in evaluation.values:
        c = score.tally.counts
        precision = "n/a" if score.tally.precision is None else f"{score.tally.precision:.3f}"
        recall = "n/a" if score.tally.recall is None else f"{score.tally.recall:.3f}"
        lines.append(
            f"| {score.value} | {c['right']} | {c['wrong']} | {c['missed']} | {c['extra']} | {c['unscorable']} "
            f"| {precision} | {recall} |"
        )
    return "\n".join(lines) + "\n"
