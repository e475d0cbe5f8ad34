"""OFX statements the tests write: bank statements (SGML, element end tags left out as OFX 1 does) and an investment
statement with its positions and cash, for the OFX, investment and fuzz tests."""

from __future__ import annotations

import zlib

V1_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n"
    "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
SIGNON = (
    "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240201120000"
    "<LANGUAGE>ENG{fi}</SONRS></SIGNONMSGSRSV1>"
)
FI = "<FI><ORG>Example Bank<FID>1234</FI>"


def transaction(day: str, amount: str, name: str, fitid: str | None = "auto", kind: str = "DEBIT") -> str:
    """One <STMTTRN> in SGML (no end tags on its elements, as OFX 1 writes them)."""
    fitid = f"<FITID>{day}{zlib.crc32(f'{amount}{name}'.encode())}" if fitid == "auto" else (f"<FITID>{fitid}" if fitid else "")
    return f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day}120000<TRNAMT>{amount}{fitid}<NAME>{name}</STMTTRN>\r\n"


def statement(rows: list[str], account: str = "000123456789", bank_id: str = "121000248", currency: str = "USD") -> str:
    curdef = f"<CURDEF>{currency}" if currency else ""
    return (
        f"<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>{curdef}"
        f"<BANKACCTFROM><BANKID>{bank_id}<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\r\n{''.join(rows)}</BANKTRANLIST>"
        "<LEDGERBAL><BALAMT>100.00<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS>"
    )


def ofx(*statements: str, header: str = V1_HEADER, fi: str = FI) -> bytes:
    body = f"<OFX>{SIGNON.format(fi=fi)}<BANKMSGSRSV1>{''.join(statements)}</BANKMSGSRSV1></OFX>\r\n"
    return (header + body).encode("cp1252")


ROWS = [
    transaction("20240102", "-42.17", "SHELL OIL 57442381"),
    transaction("20240104", "-86.40", "KROGER #0421"),
    transaction("20240115", "2500.00", "PAYROLL ACME", kind="CREDIT"),
]


INVESTMENT_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\n"
    "OLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
SECURITIES = {
    "AAPL": ("037833100", "STOCKINFO"),
    "VFIAX": ("922908710", "MFINFO"),
    "MSFT": ("594918104", "STOCKINFO"),
    "UST": ("91282CJL6", "DEBTINFO"),
}


def secid(symbol: str) -> str:
    return f"<SECID><UNIQUEID>{SECURITIES[symbol][0]}<UNIQUEIDTYPE>CUSIP</SECID>"


def invtran(fitid: str, day: str) -> str:
    return f"<INVTRAN><FITID>{fitid}<DTTRADE>{day}</INVTRAN>"


def buy(fitid: str, day: str, symbol: str, units: str, price: str, commission: str, total: str, kind: str = "STOCK") -> str:
    return (
        f"<BUY{kind}><INVBUY>{invtran(fitid, day)}{secid(symbol)}<UNITS>{units}<UNITPRICE>{price}"
        f"<COMMISSION>{commission}<TOTAL>{total}<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUY{kind}>"
    )


def sell(fitid: str, day: str, symbol: str, units: str, price: str, commission: str, total: str) -> str:
    return (
        f"<SELLSTOCK><INVSELL>{invtran(fitid, day)}{secid(symbol)}<UNITS>{units}<UNITPRICE>{price}"
        f"<COMMISSION>{commission}<TOTAL>{total}<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVSELL><SELLTYPE>SELL</SELLSTOCK>"
    )


def bank(fitid: str, day: str, kind: str, amount: str, name: str) -> str:
    return (
        f"<INVBANKTRAN><STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day}<TRNAMT>{amount}<FITID>{fitid}<NAME>{name}</STMTTRN>"
        "<SUBACCTFUND>CASH</INVBANKTRAN>"
    )


TRANSACTIONS = [
    bank("T1", "20230102", "XFER", "10000.00", "TRANSFER FROM BANK"),
    buy("T2", "20230103", "AAPL", "20", "130.00", "5.00", "-2605.00"),
    buy("T3", "20230105", "VFIAX", "10", "350.00", "0", "-3500.00", kind="MF"),
    buy("T4", "20230301", "AAPL", "10", "150.00", "5.00", "-1505.00"),
    f"<INCOME>{invtran('T5', '20230515')}{secid('AAPL')}<INCOMETYPE>DIV<TOTAL>12.00<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INCOME>",
    sell("T6", "20230601", "AAPL", "-15", "170.00", "5.00", "2545.00"),
    (
        f"<REINVEST>{invtran('T7', '20230630')}{secid('VFIAX')}<INCOMETYPE>DIV<TOTAL>-30.00<SUBACCTSEC>CASH"
        "<UNITS>0.08<UNITPRICE>375.00</REINVEST>"
    ),
    f"<INVEXPENSE>{invtran('T8', '20230701')}{secid('AAPL')}<TOTAL>-25.00<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVEXPENSE>",
    (
        f"<SPLIT>{invtran('T9', '20230801')}{secid('AAPL')}<SUBACCTSEC>CASH<OLDUNITS>15<NEWUNITS>30"
        "<NUMERATOR>2<DENOMINATOR>1</SPLIT>"
    ),
    (
        f"<TRANSFER>{invtran('T10', '20230901')}{secid('MSFT')}<SUBACCTSEC>CASH<UNITS>5<TFERACTION>IN<POSTYPE>LONG"
        "<AVGCOSTBASIS>250.00</TRANSFER>"
    ),
    bank("T11", "20231231", "INT", "4.10", "INTEREST EARNED"),
]
POSITIONS = {"AAPL": ("30", "190.00", "5700.00"), "VFIAX": ("10.08", "400.00", "4032.00"), "MSFT": ("5", "370.00", "1850.00")}


def position(symbol: str, units: str, price: str, value: str) -> str:
    kind = {"MFINFO": "POSMF", "DEBTINFO": "POSDEBT"}.get(SECURITIES[symbol][1], "POSSTOCK")
    return (
        f"<{kind}><INVPOS>{secid(symbol)}<HELDINACCT>CASH<POSTYPE>LONG<UNITS>{units}<UNITPRICE>{price}"
        f"<MKTVAL>{value}<DTPRICEASOF>20231231</INVPOS></{kind}>"
    )


def investment_statement(
    transactions: list[str] = TRANSACTIONS,
    positions: dict[str, tuple[str, str, str]] = POSITIONS,
    cash: str | None = "4926.10",
    account: str = "X12345678",
) -> str:
    balance = f"<INVBAL><AVAILCASH>{cash}<MARGINBALANCE>0<SHORTBALANCE>0</INVBAL>" if cash is not None else ""
    return (
        "<INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><INVSTMTRS><DTASOF>20231231<CURDEF>USD"
        f"<INVACCTFROM><BROKERID>broker.example.com<ACCTID>{account}</INVACCTFROM>"
        f"<INVTRANLIST><DTSTART>20230101<DTEND>20231231{''.join(transactions)}</INVTRANLIST>"
        f"<INVPOSLIST>{''.join(position(s, *p) for s, p in positions.items())}</INVPOSLIST>{balance}"
        "</INVSTMTRS></INVSTMTTRNRS>"
    )


def document(*statements: str) -> bytes:
    seclist = "".join(
        f"<{info}><SECINFO>{secid(symbol)}<SECNAME>{symbol} INC<TICKER>{symbol}</SECINFO>"
        + ("<PARVALUE>100<DEBTTYPE>COUPON" if info == "DEBTINFO" else "")
        + f"</{info}>"
        for symbol, (_, info) in SECURITIES.items()
    )
    return (
        INVESTMENT_HEADER
        + "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240101<LANGUAGE>ENG"
        + "</SONRS></SIGNONMSGSRSV1><INVSTMTMSGSRSV1>"
        + "".join(statements)
        + f"</INVSTMTMSGSRSV1><SECLISTMSGSRSV1><SECLIST>{seclist}</SECLIST></SECLISTMSGSRSV1></OFX>"
    ).encode()
