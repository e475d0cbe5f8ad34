"""OFX/QFX as institutions really write it, one test per quirk, on statements the tests write: read strictly
first, leniently when needed (and the import record says which fallbacks were used), and every failure a 422
naming the file, the line or tag, and what to do."""

from __future__ import annotations

import pytest
from .statement_files import ROWS, V1_HEADER, ofx, statement, transaction

API = "/api/v1/finance"
IMPORTS = f"{API}/transactions/imports"


@pytest.fixture
def send(api_client, headers):
    def post(content: bytes, name: str = "statement.qfx", path: str = IMPORTS):
        return api_client.post(path, headers=headers, files={"file": (name, content)})

    return post


@pytest.fixture
def stored(api_client, headers):
    def rows() -> list[tuple]:
        page = api_client.get(f"{API}/transactions", params={"limit": 1000}, headers=headers).json()
        return sorted((r["date"], r["description"], r["amount"], r["account"], r["currency"]) for r in page["transactions"])

    return rows


def imported(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def test_a_statement_as_the_specification_writes_it_needs_no_fallback(send, stored):
    record = imported(send(ofx(statement(ROWS))))
    assert record["fallbacks"] == []
    assert stored() == [
        ("2024-01-02", "SHELL OIL 57442381", -42.17, "…6789", "USD"),
        ("2024-01-04", "KROGER #0421", -86.4, "…6789", "USD"),
        ("2024-01-15", "PAYROLL ACME", 2500.0, "…6789", "USD"),
    ]


def test_over_long_fields_are_read_and_the_fallback_named(send, stored):
    long_name = "AMAZON MARKETPLACE SEATTLE WA PURCHASE 1234567890"  # NAME allows 32 characters
    record = imported(send(ofx(statement([transaction("20240102", "-5.00", long_name)], bank_id="5472369148"))))
    assert record["fallbacks"][0].startswith("Not valid to the OFX specification (ofxtools: Can't set BANKACCTFROM.bankid")
    assert stored()[0][1] == long_name


def test_missing_fields_are_told_apart_or_defaulted_and_said(send, stored):
    rows = [transaction("20240102", "-5.00", "CAFE", fitid=None), transaction("20240102", "-5.00", "CAFE", fitid=None)]
    record = imported(send(ofx(statement(rows, currency=""))))
    assert "Transactions without a <FITID> are told apart by date, amount and description." in record["fallbacks"]
    assert any("names no currency (<CURDEF>); USD was used" in f for f in record["fallbacks"])
    assert len(stored()) == 2  # two identical charges stay two
    again = imported(send(ofx(statement(rows, currency=""))))
    assert (again["added"], again["duplicates"]) == (0, 2)


def test_blank_lines_and_a_byte_order_mark_before_the_header(send, stored):
    content = b"\xef\xbb\xbf\r\n\r\n" + ofx(statement(ROWS), header=V1_HEADER.replace("VERSION:102", "VERSION: 102"))
    imported(send(content))
    assert len(stored()) == 3


def test_unclosed_aggregates_are_closed_where_the_next_one_opens(send, stored):
    rows = [row.replace("</STMTTRN>", "") for row in ROWS]
    record = imported(send(ofx(statement(rows))))
    assert any(f.startswith("Unclosed aggregates closed where the next of their kind opens: <STMTTRN> line") for f in record["fallbacks"])
    assert [row[2] for row in stored()] == [-42.17, -86.4, 2500.0]


def test_latin1_text_declared_as_unicode_is_read_as_windows_1252(send, stored):
    header = V1_HEADER.replace("CHARSET:1252", "CHARSET:NONE")
    record = imported(send(ofx(statement([transaction("20240102", "-3.45", "CAFÉ NERO")]), header=header)))
    assert "The header declares utf-8, but the text is not; it was read as Windows-1252." in record["fallbacks"]
    assert stored()[0][1] == "CAFÉ NERO"


def test_no_fi_block_and_no_header_at_all(send, stored):
    record = imported(send(ofx(statement(ROWS), header="", fi="")))
    assert "The file has no OFX header; its body was read as OFX 1 (SGML)." in record["fallbacks"]
    assert len(stored()) == 3


def test_several_accounts_in_one_file(send, stored):
    record = imported(send(ofx(statement(ROWS[:1], account="11112222"), statement(ROWS[1:], account="33334444"))))
    assert record["accounts"] == ["…2222", "…4444"]
    assert [(row[1], row[3]) for row in stored()] == [
        ("SHELL OIL 57442381", "…2222"),
        ("KROGER #0421", "…4444"),
        ("PAYROLL ACME", "…4444"),
    ]


def test_ofx_2_xml(send, stored):
    header = '<?xml version="1.0" encoding="UTF-8"?>\r\n<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\r\n'
    body = statement(
        [
            (
                "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240102</DTPOSTED><TRNAMT>-9.99</TRNAMT>"
                "<FITID>X1</FITID><NAME>NETFLIX.COM</NAME></STMTTRN>"
            )
        ]
    )
    imported(send(ofx(body, header=header)))
    assert stored() == [("2024-01-02", "NETFLIX.COM", -9.99, "…6789", "USD")]


def test_the_day_is_the_one_the_bank_wrote_not_shifted_to_utc(send, stored):
    row = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240102230000.000[-5:EST]<TRNAMT>-1.00<FITID>A<NAME>LATE</STMTTRN>"
    imported(send(ofx(statement([row]))))
    assert stored()[0][0] == "2024-01-02"


def test_decimal_comma_amounts_are_read_and_said(send, stored):
    record = imported(send(ofx(statement([transaction("20240102", "-12,50", "BOULANGERIE")]))))
    assert "Amounts written with a decimal comma ('-25,00') were read as such." in record["fallbacks"]
    assert stored()[0][2] == -12.5


def test_a_correction_in_the_file_replaces_the_transaction_it_corrects(send, stored):
    original = transaction("20240102", "-50.00", "HOTEL", fitid="T1")
    fixed = (
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240103<TRNAMT>-45.00<FITID>T2<CORRECTFITID>T1<CORRECTACTION>REPLACE"
        "<NAME>HOTEL</STMTTRN>"
    )
    imported(send(ofx(statement([original, fixed]))))
    assert [row[2] for row in stored()] == [-45.0]


def test_types_that_disagree_with_the_signs_are_asked_about(send, api_client, headers, stored):
    rows = [transaction(f"2024010{i}", "25.00", f"SHOP {i}", kind="DEBIT") for i in range(1, 5)]
    content = ofx(statement(rows))
    preview = send(content, path=f"{API}/transactions/preview").json()
    assert [q["id"] for q in preview["questions"]] == ["sign"]
    assert preview["rows"] == []
    refused = send(content)
    assert refused.status_code == 422 and "carry the opposite sign" in refused.json()["detail"]
    flipped = api_client.post(IMPORTS, headers=headers, files={"file": ("s.qfx", content)}, data={"mapping": '{"negate": true}'})
    assert flipped.status_code == 201
    assert {row[2] for row in stored()} == {-25.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (ofx(statement(ROWS))[:-200], "ends at line"),
        (V1_HEADER.encode() + b"<OFX>" + b"".join(b"<PRIVATE.%d>" % i for i in range(60)), "nested more than 40 deep"),
        (V1_HEADER.encode() + b"hello", "has an OFX header but no <OFX> body"),
        (ofx(statement([transaction("19990231", "-1.00", "X")])), "<DTPOSTED> '19990231120000' is not a date"),
        (ofx(statement([transaction("18990101", "-1.00", "X")])), "is outside 1970-01-01 to"),
        (ofx(statement([ROWS[0].replace("<TRNAMT>-42.17", "")])), "<STMTTRN> has no <TRNAMT> (the amount)"),
    ],
    ids=["cut-short", "nested", "no-body", "bad-date", "old-date", "no-amount"],
)
def test_a_broken_statement_is_refused_naming_the_line_or_tag_and_nothing_is_stored(send, stored, api_client, headers, content, message):
    response = send(content)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("'statement.qfx'") and message in detail
    assert stored() == [] and api_client.get(f"{API}/transactions/imports", headers=headers).json() == []


def test_an_investment_statement_sent_to_the_ledger_says_where_it_goes(send):
    content = V1_HEADER.encode() + (
        b"<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><DTASOF>20240131<CURDEF>USD"
        b"<INVACCTFROM><BROKERID>broker.example<ACCTID>99998888</INVACCTFROM>"
        b"<INVTRANLIST><DTSTART>20240101<DTEND>20240131</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>"
    )
    response = send(content)
    assert response.status_code == 422
    assert "is an investment statement (investment account …8888)" in response.json()["detail"]
    assert "Portfolio page" in response.json()["detail"]


def test_a_less_than_sign_in_a_name_is_text_and_a_missing_posting_date_falls_back_to_the_users(send, stored):
    rows = [
        transaction("20240102", "-1.00", "A<B & C&amp;D"),
        "<STMTTRN><TRNTYPE>DEBIT<DTUSER>20240105<TRNAMT>-2.00<FITID>Z<NAME>NO POSTING DATE</STMTTRN>",
    ]
    record = imported(send(ofx(statement(rows))))
    assert "1 '<' characters that start no tag were read as text." in record["fallbacks"]
    assert "Transactions without a <DTPOSTED> were dated by their <DTUSER> (the day they were made)." in record["fallbacks"]
    assert [(row[0], row[1]) for row in stored()] == [("2024-01-02", "A<B & C&D"), ("2024-01-05", "NO POSTING DATE")]
