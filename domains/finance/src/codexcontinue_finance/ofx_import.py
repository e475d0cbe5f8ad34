"""OFX and QFX statements (bank and credit-card, OFX 1.x SGML and 2.x XML) read with ofxtools."""

from __future__ import annotations

import io
import warnings

import polars as pl
from ofxtools.header import OFXHeaderError
from ofxtools.Parser import OFXTree

from codexcontinue import InputError


def read_ofx(data: bytes, filename: str) -> pl.DataFrame:
    """Every transaction of the OFX/QFX file `data`: the columns of a bank CSV import plus `fitid`,
    the bank's own transaction id (which makes re-imports of overlapping statements harmless)."""
    tree = OFXTree()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # private tags such as <INTU.BID> are allowed and skipped
            tree.parse(io.BytesIO(data))
            ofx = tree.convert()
    except OFXHeaderError:
        raise InputError(
            f"'{filename}' does not start with an OFX header ('OFXHEADER:100' or '<?OFX OFXHEADER=\"200\"?>'); "
            "download the statement again as OFX or QFX."
        ) from None
    except ArithmeticError:
        raise InputError(f"'{filename}' has an amount that is not a number (or the file is cut short).") from None
    except (
        SyntaxError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
    ) as error:
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        raise InputError(f"'{filename}' is not a valid OFX/QFX statement: {reason}.") from None
    statements = [s for s in ofx.statements if hasattr(s, "banktranlist")]
    if not statements:
        raise InputError(
            f"'{filename}' holds no bank or credit-card statement (investment statements are imported as a trade "
            "history CSV on the Portfolio page)."
        )
    rows: list[dict[str, object]] = []
    for statement in statements:
        account = _masked(statement.account.acctid)
        for transaction in statement.banktranlist or []:
            currency = transaction.currency.cursym if transaction.currency is not None else statement.curdef
            rows.append(
                {
                    "line": len(rows) + 1,
                    "date": transaction.dtposted.date(),
                    "description": " ".join(
                        str(transaction.name or transaction.memo or transaction.payee or "").split()
                    ),
                    "amount": float(transaction.trnamt),
                    "currency": str(currency).upper(),
                    "mcc": f"{int(transaction.sic):04d}" if transaction.sic is not None else None,
                    "account": account,
                    "fitid": str(transaction.fitid),
                }
            )
    if not rows:
        raise InputError(f"'{filename}' is a valid statement with no transactions in it.")
    return pl.DataFrame(
        rows,
        schema={
            "line": pl.Int64,
            "date": pl.Date,
            "description": pl.String,
            "amount": pl.Float64,
            "currency": pl.String,
            "mcc": pl.String,
            "account": pl.String,
            "fitid": pl.String,
        },
    )


def _masked(account_id: str) -> str:
    """An account number shown the way statements do: its last four digits."""
    return f"…{account_id[-4:]}" if len(account_id) > 4 else account_id
