"""Investment statements of an OFX/QFX file (`<INVSTMTRS>`): trades, income, fees, transfers and splits as
portfolio activities, with the statement's own positions (`<INVPOSLIST>`) and cash (`<INVBAL>`).

    statement = read_investment_ofx(document, account=None)

Securities are named by their ticker from `<SECLIST>`, else by their CUSIP (or other id) as written.
Each transaction keeps its line. A trade's cash is its `<TOTAL>` (commission, fees, load and taxes
included), converted with `<CURRATE>` when it is in another currency than the statement's. What each
kind of transaction becomes:

| OFX | activity |
| --- | --- |
| BUYSTOCK, BUYMF, BUYDEBT, BUYOPT, BUYOTHER | buy (cost = -TOTAL) |
| SELLSTOCK, SELLMF, SELLDEBT, SELLOPT, SELLOTHER | sell (proceeds = TOTAL) |
| REINVEST | a dividend (or interest) and a buy of the same amount |
| INCOME | dividend (DIV, CGLONG, CGSHORT, MISC) or interest (INTEREST); a negative one is a fee |
| INVEXPENSE, MARGININTEREST | fee |
| RETOFCAP | return of capital (cash in; the lots' cost goes down) |
| SPLIT | split (NEWUNITS/OLDUNITS, else NUMERATOR/DENOMINATOR); cash in lieu of fractions is a return of capital |
| TRANSFER | transfer in (cost = AVGCOSTBASIS x units, when stated) or out |
| CLOSUREOPT | the option's units sold for nothing (expired, exercised or assigned) |
| INVBANKTRAN | interest (INT, DIV, or 'interest' in its name), fee (FEE, SRVCHG, or 'fee'), else deposit or withdrawal |
| JRNLFUND, JRNLSEC | nothing: they move cash or units between sub-accounts of the same account |

Short positions (SELLSHORT, BUYTOCOVER, POSTYPE SHORT) are refused: the portfolio model holds long
positions only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from codexcontinue import InputError

from .activity_csv import Activity
from .ofx_bank import masked
from .ofx_reading import OfxDocument

BUYS = {"BUYSTOCK", "BUYMF", "BUYDEBT", "BUYOPT", "BUYOTHER"}
SELLS = {"SELLSTOCK", "SELLMF", "SELLDEBT", "SELLOPT", "SELLOTHER"}
OTHER_TRANSACTIONS = {"REINVEST", "INCOME", "INVEXPENSE", "MARGININTEREST", "RETOFCAP", "SPLIT", "TRANSFER",
                      "CLOSUREOPT", "INVBANKTRAN", "JRNLFUND", "JRNLSEC"}  # fmt: skip
ASSET_CLASSES = {
    "STOCKINFO": "Equity",
    "MFINFO": "Fund",
    "DEBTINFO": "Bond",
    "OPTINFO": "Option",
    "OTHERINFO": "Other",
}


@dataclass(frozen=True)
class StatementPosition:
    """A position the statement lists: units, price and market value as of `priced_on`."""

    symbol: str
    units: float
    unit_price: float
    market_value: float
    priced_on: date
    line: int


@dataclass
class InvestmentStatement:
    """One investment account's statement: its activities in file order, positions, cash and period."""

    account: str
    broker: str | None
    currency: str
    start: date
    end: date
    as_of: date
    activities: list[Activity]
    positions: list[StatementPosition]
    cash: float | None
    asset_classes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def read_investment_ofx(document: OfxDocument, account: str | None) -> InvestmentStatement:
    """The investment statement of `document` (the one for `account`, by its number or last four digits, when the
    file has several); `InputError` naming the line of anything that cannot be read."""
    statements = list(document.root.iter("INVSTMTRS"))
    if not statements:
        banks = [*document.root.iter("STMTRS"), *document.root.iter("CCSTMTRS")]
        kind = "a bank or card statement" if banks else "no investment statement (no <INVSTMTRS>)"
        raise InputError(
            f"'{document.filename}' holds {kind}; import bank and card statements on the Transactions page, and "
            "download the brokerage account's statement (OFX/QFX) for a portfolio."
        )
    numbers = [document.text(s, "INVACCTFROM/ACCTID") or "unknown" for s in statements]
    if len(statements) > 1:
        chosen = [s for s, n in zip(statements, numbers, strict=True) if account and account in (n, masked(n), n[-4:])]
        if len(chosen) != 1:
            listed = ", ".join(masked(n) for n in numbers)
            raise InputError(
                f"'{document.filename}' holds statements of several investment accounts ({listed}); name the one to "
                "import in the form's 'account' field (its last four digits)."
            )
        statement = chosen[0]
    else:
        statement = statements[0]
    return _statement(document, statement)


def _statement(document: OfxDocument, statement: ET.Element) -> InvestmentStatement:
    currency = (document.text(statement, "CURDEF") or "").upper()
    if len(currency) != 3:
        raise InputError(f"{document.where(statement)} names no currency (<CURDEF>); download the statement again.")
    securities, classes, names = _securities(document)
    reader = _Reader(document, currency, securities)
    transactions = statement.find("INVTRANLIST")
    if transactions is not None:
        for element in transactions:
            reader.read(element)
    if not reader.activities:
        raise InputError(f"'{document.filename}' is an investment statement with no transactions to import.")
    as_of = document.date(statement, "DTASOF", "the day the statement is as of")
    start = document.date(transactions, "DTSTART", "the start of the period", optional=True) if transactions is not None else None
    end = document.date(transactions, "DTEND", "the end of the period", optional=True) if transactions is not None else None
    first = min(a.date for a in reader.activities)
    return InvestmentStatement(
        account=masked(document.text(statement, "INVACCTFROM/ACCTID") or "unknown"),
        broker=document.text(statement, "INVACCTFROM/BROKERID"),
        currency=currency,
        start=min(start, first) if start else first,
        end=end or as_of,
        as_of=as_of,
        activities=reader.activities,
        positions=_positions(document, statement, securities),
        cash=_cash(document, statement),
        asset_classes={securities[k]: v for k, v in classes.items() if k in securities},
        names={securities[k]: v for k, v in names.items() if k in securities},
    )  # fmt: skip


def _securities(document: OfxDocument) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Each security's symbol (ticker, else its id), asset class and name, keyed by its unique id."""
    symbols: dict[str, str] = {}
    classes: dict[str, str] = {}
    names: dict[str, str] = {}
    seclist = document.root.find(".//SECLIST")
    tickers: dict[str, set[str]] = {}
    if seclist is not None:
        for info in seclist:
            unique = document.text(info, "SECINFO/SECID/UNIQUEID")
            if unique is None:
                continue
            ticker = (document.text(info, "SECINFO/TICKER") or "").upper()
            symbols[unique] = ticker or unique
            tickers.setdefault(ticker, set()).add(unique)
            classes[unique] = ASSET_CLASSES.get(info.tag, "Other")
            names[unique] = document.text(info, "SECINFO/SECNAME") or ""
    for ticker, uniques in tickers.items():  # one ticker for two securities: tell them apart by id
        if ticker and len(uniques) > 1:
            for unique in uniques:
                symbols[unique] = f"{ticker} ({unique})"
    return symbols, classes, names


class _Reader:
    """Turns each transaction of an <INVTRANLIST> into activities."""

    def __init__(self, document: OfxDocument, currency: str, securities: dict[str, str]) -> None:
        self.document = document
        self.currency = currency
        self.securities = securities
        self.activities: list[Activity] = []

    def read(self, element: ET.Element) -> None:
        """Add the activities of one transaction of the list (nothing for the list's own dates)."""
        tag = element.tag
        if tag in ("DTSTART", "DTEND"):
            return
        if tag in BUYS:
            self._trade(element, "buy")
        elif tag in SELLS:
            self._trade(element, "sell")
        elif tag in ("JRNLFUND", "JRNLSEC"):
            self.document.note(f"<{tag}> transactions move cash or units between sub-accounts; they change no totals.")
        elif tag in OTHER_TRANSACTIONS:
            getattr(self, f"_{tag.lower()}")(element)
        else:
            raise InputError(
                f"{self.document.where(element)} is a kind of investment transaction this pack does not read; "
                "nothing was imported. Import the rest as a trade-history CSV, or tell us about the file."
            )

    # ---- helpers

    def _add(self, element: ET.Element, day: date, action: str, **values: object) -> None:
        defaults = {"symbol": None, "quantity": 0.0, "price": 0.0, "fees": 0.0, "amount": 0.0, "lot": None,
                    "ratio": 1.0, "asset_class": None, "currency": self.currency}  # fmt: skip
        self.activities.append(
            Activity(line=self.document.line(element), date=day, action=action, **{**defaults, **values})
        )

    def _day(self, element: ET.Element) -> date:
        transaction = element.find(".//INVTRAN")
        if transaction is None:
            raise InputError(f"{self.document.where(element)} has no <INVTRAN> (its id and date); download it again.")
        day = self.document.date(transaction, "DTTRADE", "the trade date")
        assert day is not None
        return day

    def _symbol(self, element: ET.Element) -> str:
        unique = self.document.text(element, ".//SECID/UNIQUEID")
        if unique is None:
            raise InputError(f"{self.document.where(element)} names no security (<SECID><UNIQUEID>).")
        return self.securities.get(unique, unique)

    def _money(self, element: ET.Element, path: str, what: str, *, optional: bool = False) -> float | None:
        """An amount in the statement's currency (converted with the transaction's <CURRATE> when it has another)."""
        value = self.document.number(element, path, what, optional=optional)
        if value is None:
            return None
        code = (self.document.text(element, ".//CURRENCY/CURSYM") or self.currency).upper()
        rate = self.document.number(element, ".//CURRENCY/CURRATE", "the exchange rate", optional=True)
        if code != self.currency and rate is not None:
            self.document.note(f"Amounts in {code} were converted to {self.currency} with each transaction's <CURRATE>.")
            value = value * rate
        return float(value)

    def _fees(self, element: ET.Element) -> float:
        parts = ("COMMISSION", "FEES", "LOAD", "TAXES", "PENALTY", "WITHHOLDING", "STATEWITHHOLDING")
        return sum(abs(self._money(element, f".//{p}", p.lower(), optional=True) or 0.0) for p in parts)

    # ---- kinds of transaction

    def _trade(self, element: ET.Element, action: str) -> None:
        kind = (self.document.text(element, "BUYTYPE") or self.document.text(element, "SELLTYPE")
                or self.document.text(element, "OPTBUYTYPE") or self.document.text(element, "OPTSELLTYPE") or "").upper()  # fmt: skip
        if kind in ("SELLSHORT", "BUYTOCOVER", "SELLTOOPEN", "BUYTOCLOSE"):
            raise InputError(
                f"{self.document.where(element)} is a short trade ({kind}); portfolios here hold long positions only, "
                "so this statement cannot be imported."
            )
        units = abs(float(self.document.number(element, ".//UNITS", "the units")))
        total = abs(self._money(element, ".//TOTAL", "the total") or 0.0)
        fees = self._fees(element)
        if units == 0:
            raise InputError(f"{self.document.where(element)} trades zero units; the statement is damaged.")
        gross = total - fees if action == "buy" else total + fees
        self._add(element, self._day(element), action, symbol=self._symbol(element), quantity=units,
                  price=gross / units, fees=fees, amount=total)  # fmt: skip

    def _reinvest(self, element: ET.Element) -> None:
        day, symbol = self._day(element), self._symbol(element)
        total = abs(self._money(element, ".//TOTAL", "the total") or 0.0)
        units = abs(float(self.document.number(element, ".//UNITS", "the units")))
        fees = self._fees(element)
        kind = (self.document.text(element, "INCOMETYPE") or "DIV").upper()
        self._add(element, day, "interest" if kind == "INTEREST" else "dividend", symbol=symbol, amount=total)
        self._add(element, day, "buy", symbol=symbol, quantity=units, price=(total - fees) / units, fees=fees,
                  amount=total)  # fmt: skip

    def _income(self, element: ET.Element) -> None:
        day, symbol = self._day(element), self._symbol(element)
        total = self._money(element, ".//TOTAL", "the total") or 0.0
        kind = (self.document.text(element, "INCOMETYPE") or "DIV").upper()
        if total < 0:
            self.document.note("Negative income (a reversed payment) was read as a fee.")
            self._add(element, day, "fee", symbol=symbol, amount=-total)
        elif total > 0:
            self._add(element, day, "interest" if kind == "INTEREST" else "dividend", symbol=symbol, amount=total)

    def _invexpense(self, element: ET.Element) -> None:
        self._add(element, self._day(element), "fee", amount=abs(self._money(element, ".//TOTAL", "the total") or 0.0))

    _margininterest = _invexpense

    def _retofcap(self, element: ET.Element) -> None:
        amount = abs(self._money(element, ".//TOTAL", "the total") or 0.0)
        self._add(element, self._day(element), "return of capital", symbol=self._symbol(element), amount=amount)

    def _split(self, element: ET.Element) -> None:
        day, symbol = self._day(element), self._symbol(element)
        old = self.document.number(element, "OLDUNITS", "the units before", optional=True)
        new = self.document.number(element, "NEWUNITS", "the units after", optional=True)
        numerator = self.document.number(element, "NUMERATOR", "the split's numerator", optional=True)
        denominator = self.document.number(element, "DENOMINATOR", "the split's denominator", optional=True)
        if old and new:
            ratio = float(new / old)
        elif numerator and denominator:
            ratio = float(numerator / denominator)
        else:
            raise InputError(f"{self.document.where(element)} gives neither OLDUNITS/NEWUNITS nor NUMERATOR/DENOMINATOR.")
        self._add(element, day, "split", symbol=symbol, ratio=ratio)
        fraction = self._money(element, "FRACCASH", "cash in lieu", optional=True)
        if fraction:
            self.document.note("Cash paid in lieu of fractional shares was read as a return of capital.")
            self._add(element, day, "return of capital", symbol=symbol, amount=abs(fraction))

    def _transfer(self, element: ET.Element) -> None:
        day, symbol = self._day(element), self._symbol(element)
        units = abs(float(self.document.number(element, "UNITS", "the units")))
        action = (self.document.text(element, "TFERACTION") or "").upper()
        if action not in ("IN", "OUT"):
            raise InputError(f"{self.document.where(element)} says neither IN nor OUT (<TFERACTION>).")
        if action == "OUT":
            self._add(element, day, "transfer out", symbol=symbol, quantity=units)
            return
        average = self._money(element, "AVGCOSTBASIS", "the average cost", optional=True)
        self._add(element, day, "transfer in", symbol=symbol, quantity=units,
                  amount=None if average is None else average * units)  # fmt: skip

    def _closureopt(self, element: ET.Element) -> None:
        units = abs(float(self.document.number(element, "SHARES", "the contracts")))
        self._add(element, self._day(element), "sell", symbol=self._symbol(element), quantity=units, amount=0.0)

    def _invbanktran(self, element: ET.Element) -> None:
        transaction = element.find("STMTTRN")
        if transaction is None:
            raise InputError(f"{self.document.where(element)} has no <STMTTRN>.")
        day = self.document.date(transaction, "DTPOSTED", "the date it was posted")
        amount = self._money(transaction, "TRNAMT", "the amount") or 0.0
        kind = (self.document.text(transaction, "TRNTYPE") or "").upper()
        name = f"{self.document.text(transaction, 'NAME') or ''} {self.document.text(transaction, 'MEMO') or ''}".upper()
        if amount == 0:
            return
        if kind in ("INT", "DIV") or ("INTEREST" in name and amount > 0):
            action = "interest"
        elif kind in ("FEE", "SRVCHG") or ("FEE" in name and amount < 0):
            action = "fee"
        else:
            action = "deposit" if amount > 0 else "withdrawal"
        if (action == "interest" and amount < 0) or (action == "fee" and amount > 0):
            action = "deposit" if amount > 0 else "withdrawal"
        assert day is not None
        self._add(transaction, day, action, amount=abs(amount))


def _positions(document: OfxDocument, statement: ET.Element, securities: dict[str, str]) -> list[StatementPosition]:
    positions: list[StatementPosition] = []
    found = statement.find("INVPOSLIST")
    if found is None:
        return positions
    for holding in found:
        position = holding.find("INVPOS")
        if position is None:
            continue
        if (document.text(position, "POSTYPE") or "LONG").upper() == "SHORT":
            raise InputError(f"{document.where(position)} is a short position; portfolios here hold long positions only.")
        unique = document.text(position, "SECID/UNIQUEID")
        if unique is None:
            raise InputError(f"{document.where(position)} names no security (<SECID><UNIQUEID>).")
        priced_on = document.date(position, "DTPRICEASOF", "the day it was priced")
        assert priced_on is not None
        units = float(document.number(position, "UNITS", "the units"))
        price = float(document.number(position, "UNITPRICE", "the unit price"))
        value = float(document.number(position, "MKTVAL", "the market value"))
        scale = value / (units * price) if units and price and value else 1.0
        if abs(units * price - value) > 0.01 and any(abs(scale / 10**k - 1) < 0.005 for k in (-2, 1, 2, 3)):
            document.note(
                "Positions whose <UNITPRICE> is not a price per unit (a bond's per 100 of face value, an option's per "
                "share of a contract) were priced at <MKTVAL> / <UNITS>."
            )
            price = value / units
        positions.append(
            StatementPosition(
                symbol=securities.get(unique, unique),
                units=units,
                unit_price=price,
                market_value=value,
                priced_on=priced_on,
                line=document.line(position),
            )
        )
    return positions


def _cash(document: OfxDocument, statement: ET.Element) -> float | None:
    value = document.number(statement, "INVBAL/AVAILCASH", "the cash balance", optional=True)
    return None if value is None else float(value)

