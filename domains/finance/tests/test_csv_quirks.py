"""Bank CSVs as the world writes them, one test per kind of quirk, on files the tests write; and the checks that
stop silent damage (a date outside the plausible window, a balance that does not follow, flipped signs, lines that
do not add up), which refuse with the lines concerned or ask in the preview."""

from __future__ import annotations

import json

import pytest

API = "/api/v1/finance"
IMPORTS = f"{API}/transactions/imports"
PREVIEW = f"{API}/transactions/preview"


@pytest.fixture
def send(api_client, headers):
    """`send(content, path=IMPORTS, name="export.csv", mapping=None, **form)` -> the response."""

    def post(content: bytes, path: str = IMPORTS, name: str = "export.csv", mapping: dict | None = None, **form):
        data = {**form, **({"mapping": json.dumps(mapping)} if mapping is not None else {})}
        return api_client.post(path, headers=headers, files={"file": (name, content)}, data=data)

    return post


@pytest.fixture
def stored(api_client, headers):
    """`stored()` -> the ledger as (date, description, amount, currency) rows, oldest first."""

    def rows() -> list[tuple]:
        page = api_client.get(f"{API}/transactions", params={"limit": 1000}, headers=headers).json()
        return sorted((r["date"], r["description"], r["amount"], r["currency"]) for r in page["transactions"])

    return rows


def imported(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def question_ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [q["id"] for q in response.json()["questions"]]


# ------------------------------------------------------------------------------------------ encodings and lines


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["unix", "windows", "classic-mac"])
def test_every_line_ending_reads_the_same_rows(send, stored, ending):
    lines = [b"Date,Description,Amount", b"2024-01-02,CORNER SHOP,-12.50", b"2024-01-03,CAFE,-2.40"]
    record = imported(send(ending.join(lines) + ending))
    assert record["layout"]["line_endings"] == repr(ending.decode())[1:-1]
    assert stored() == [("2024-01-02", "CORNER SHOP", -12.5, "USD"), ("2024-01-03", "CAFE", -2.4, "USD")]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("\ufeffDate,Description,Amount\n2024-01-02,CAFÉ NERO,-3.45\n".encode(), "UTF-8 (with a byte-order mark)"),
        ("Date\tDescription\tAmount\n2024-01-02\tCAFÉ NERO\t-3.45\n".encode("utf-16"), "UTF-16 (with a byte-order mark)"),
        ("Date,Description,Amount\n2024-01-02,CAFÉ NERO,-3.45\n".encode("cp1252"), "Windows-1252"),
    ],
    ids=["utf8-bom", "utf16-excel", "windows-1252"],
)
def test_byte_order_marks_and_legacy_encodings(send, stored, content, encoding):
    assert imported(send(content))["layout"]["encoding"] == encoding
    assert stored() == [("2024-01-02", "CAFÉ NERO", -3.45, "USD")]


def test_preamble_and_footer_lines_are_left_out_and_listed_and_a_total_line_is_checked(send, stored):
    content = (
        b"Account name:,Everyday Saver\nAccount number:,12345678\n\n"
        b"Date,Description,Amount\n2024-01-02,SHOP,-1.00\n2024-01-03,CAFE,-2.00\n\nTotal,,-3.00\nEnd of statement,,\n"
    )
    layout = imported(send(content))["layout"]
    assert layout["header_line"] == 4
    assert [(s["line"], s["reason"]) for s in layout["skipped"]] == [
        (1, "above the table (a preamble)"),
        (2, "above the table (a preamble)"),
        (8, "around the table (a preamble or footer)"),
        (9, "around the table (a preamble or footer)"),
    ]
    assert "The total on line 8 (-3.00) equals the sum of the amounts." in layout["checks"]
    assert [row[1] for row in stored()] == ["SHOP", "CAFE"]


# ------------------------------------------------------------------------------------------ layouts


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_every_separator(send, stored, separator):
    content = separator.join(["Date", "Description", "Amount"]) + "\n" + separator.join(["2024-01-02", "SHOP", "-1.50"])
    imported(send(content.encode()))
    assert stored() == [("2024-01-02", "SHOP", -1.5, "USD")]


def test_a_headerless_file_is_mapped_by_content_and_its_layout_remembered_for_the_account(send, stored, api_client, headers):
    # date, payee, debit, credit: each row fills one of the two amounts, so which is which must be asked
    content = b"15/01/2024,SALARY ACME,,2500.00\n16/01/2024,TESCO,45.10,\n17/01/2024,RENT,900.00,\n"
    preview = send(content, PREVIEW, account="joint")
    assert question_ids(preview) == ["columns"]
    answer = next(a for a in preview.json()["questions"][0]["answers"] if a["label"] == "Column 3 is money out")
    assert answer["mapping"] == {"debit": 3, "credit": 4}
    refused = send(content, account="joint")
    assert refused.status_code == 422 and "Which is money out (debit)?" in refused.json()["detail"]
    imported(send(content, mapping=answer["mapping"], account="joint"))
    assert stored() == [
        ("2024-01-15", "SALARY ACME", 2500.0, "USD"),
        ("2024-01-16", "TESCO", -45.1, "USD"),
        ("2024-01-17", "RENT", -900.0, "USD"),
    ]
    # the next export of the same account needs no answer: the layout is remembered for it
    later = b"02/02/2024,TESCO,12.00,\n03/02/2024,REFUND,,5.00\n"
    record = imported(send(later, account="joint"))
    assert record["layout"]["remembered_from"] == "joint"
    assert stored()[-2:] == [("2024-02-02", "TESCO", -12.0, "USD"), ("2024-02-03", "REFUND", 5.0, "USD")]
    # another account is not given that layout
    assert question_ids(send(later, PREVIEW, account="other")) == ["columns"]


def test_a_headerless_file_with_a_balance_column_settles_which_column_is_the_amount(send, stored):
    content = b"02/01/2024,CORNER SHOP,-12.50,987.50\n03/01/2024,CAFE,-2.50,985.00\n15/01/2024,SALARY,1000.00,1985.00\n"
    layout = imported(send(content))["layout"]
    assert (layout["header_line"], layout["mapping"]["amount"], layout["mapping"]["balance"]) == (None, "column 3", "column 4")
    assert stored()[0] == ("2024-01-02", "CORNER SHOP", -12.5, "USD")


@pytest.mark.parametrize(
    ("header", "row", "order", "expected"),
    [
        ("Date de l'opération;Libellé;Montant", "02/01/2024;Carte CAFÉ;-12,50", "DMY", ("2024-01-02", "Carte CAFÉ", -12.5)),
        ("Buchungstag;Verwendungszweck;Betrag", "02.01.2024;Miete Januar;-1.234,56", "DMY", ("2024-01-02", "Miete Januar", -1234.56)),
        ("Fecha;Concepto;Importe", "02/01/2024;Nómina;1.200,00", "DMY", ("2024-01-02", "Nómina", 1200.0)),
        ("Posting Date,Payee,Transaction Amount", "01/02/2024,SHOP,-5.00", "MDY", ("2024-01-02", "SHOP", -5.0)),
    ],
    ids=["french", "german", "spanish", "english"],
)
def test_header_names_in_french_german_spanish_and_english(send, stored, header, row, order, expected):
    content = f"{header}\n{row}\n".encode()
    imported(send(content, mapping={"date_order": order}))
    assert stored() == [(*expected, "USD")]


def test_a_currency_named_in_a_header_is_the_files_currency(send, stored):
    imported(send(b"Buchungstag;Verwendungszweck;Betrag (EUR)\n15.01.2024;Miete;-900,00\n"))
    assert stored() == [("2024-01-15", "Miete", -900.0, "EUR")]


def test_debit_and_credit_columns_make_one_signed_amount(send, stored):
    content = b"Date,Description,Paid out,Paid in\n2024-01-15,RENT,900.00,\n2024-01-16,SALARY,,2500.00\n"
    imported(send(content))
    assert [row[2] for row in stored()] == [-900.0, 2500.0]
    both = send(b"Date,Description,Debit,Credit\n2024-01-15,ODD,5.00,6.00\n")
    assert both.status_code == 422 and "Lines 2 have both a debit and a credit amount" in both.json()["detail"]


def test_unsigned_amounts_with_a_debit_credit_column(send, stored):
    content = b"Date,Description,Amount,Type\n2024-01-15,RENT,900.00,debit\n2024-01-16,SALARY,2500.00,credit\n"
    imported(send(content))
    assert [row[2] for row in stored()] == [-900.0, 2500.0]


# ------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("written", "other", "value"),
    [
        ("1,234.56", "2.50", 1234.56),
        ("1.234,56", "2,50", 1234.56),
        ("1 234,56", "2,50", 1234.56),
        ("1\u00a0234,56", "2,50", 1234.56),
        ("1\u202f234,56", "2,50", 1234.56),
        ("1'234.56", "2.50", 1234.56),
        ("12,34,567.89", "2.50", 1234567.89),
        ("-1.234,56", "2,50", -1234.56),
        ("1.234,56-", "2,50", -1234.56),
        ("(1,234.56)", "2.50", -1234.56),
        ("1,234.56 DR", "2.50", -1234.56),
        ("€1.234,56", "2,50", 1234.56),
        ("+ $1,234.56", "2.50", 1234.56),
        ("EUR 1.234,56", "2,50", 1234.56),
    ],
)
def test_decimal_marks_and_thousands_separators_of_every_locale(send, stored, written, other, value):
    content = f'Date;Description;Amount\n2024-01-15;SALARY ACME;"{written}"\n2024-01-16;REFUND;"{other}"\n'
    imported(send(content.encode()))
    assert [row[2] for row in stored()] == [pytest.approx(value), 2.5]


def test_a_decimal_mark_the_file_does_not_settle_is_asked(send, stored):
    content = b'Date,Description,Amount\n2024-01-02,HOUSE,"-1,500"\n2024-01-03,CAR,"-2,000"\n'
    assert question_ids(send(content, PREVIEW)) == ["decimal_separator"]
    assert send(content).status_code == 422
    imported(send(content, mapping={"decimal_comma": False}))
    assert [row[2] for row in stored()] == [-1500.0, -2000.0]


def test_a_malformed_number_is_refused_with_its_line(send):
    response = send(b"Date,Description,Amount\n2024-01-02,A,-1.00\n2024-01-03,B,\"1,23.45\"\n")
    assert response.status_code == 422
    assert "line 3: '1,23.45'" in response.json()["detail"]


# ------------------------------------------------------------------------------------------ dates


def test_two_digit_years_are_this_century_never_the_first(send, stored):
    imported(send(b"Date,Description,Amount\n2/20/19,SHOP,-1.00\n12/31/99,OLD,-2.00\n"))
    assert [row[0] for row in stored()] == ["1999-12-31", "2019-02-20"]


def test_day_or_month_first_is_decided_by_the_whole_column(send, stored):
    # '03/04/2024' alone could be either; the column's '25/04/2024' says day first
    imported(send(b"Date,Description,Amount\n03/04/2024,SHOP,-1.00\n25/04/2024,CAFE,-2.00\n"))
    assert [row[0] for row in stored()] == ["2024-04-03", "2024-04-25"]


def test_an_ambiguous_date_column_is_asked_never_guessed(send, stored):
    content = b"Date,Description,Amount\n01/02/2024,SHOP,-1.00\n03/04/2024,CAFE,-2.00\n"
    preview = send(content, PREVIEW)
    assert question_ids(preview) == ["date_order"]
    assert preview.json()["rows"] == []  # nothing shown as it would be stored while the dates could be either
    assert [r["Date"] for r in preview.json()["raw_rows"]] == ["01/02/2024", "03/04/2024"]
    assert send(content).status_code == 422
    assert stored() == []
    imported(send(content, mapping={"date_order": "DMY"}))
    assert [row[0] for row in stored()] == ["2024-02-01", "2024-04-03"]


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2024-01-02T23:30:00+01:00", "2024-01-02"),
        ("2024-01-02T08:00:00Z", "2024-01-02"),
        ("2024-01-02 08:00:00", "2024-01-02"),
        ("1704153600", "2024-01-02"),
        ("1704153600000", "2024-01-02"),
        ("Tue, 02 Jan 2024", "2024-01-02"),
        ("2 janv. 2024", "2024-01-02"),
        ("2. Januar 2024", "2024-01-02"),
        ("Jan 2, 2024", "2024-01-02"),
        ("20240102", "2024-01-02"),
    ],
)
def test_iso_and_epoch_timestamps_and_month_names(send, stored, written, day):
    imported(send(f'Date,Description,Amount\n"{written}",SHOP,-1.00\n'.encode()))
    assert stored()[0][0] == day


@pytest.mark.parametrize(("first", "written"), [("2024-01-02", "1919-06-01"), ("2024-01-02", "2099-01-02"), ("25/01/2024", "02/01/1900")])
def test_a_date_outside_the_plausible_window_is_refused_with_its_line(send, stored, first, written):
    response = send(f"Date,Description,Amount\n{first},A,-1.00\n{written},B,-2.00\n".encode())
    assert response.status_code == 422
    assert "line 3" in response.json()["detail"]
    assert stored() == []


# ------------------------------------------------------------------------------------------ no silent damage


def test_a_balance_column_that_does_not_follow_the_amounts_is_asked_with_its_lines(send, stored):
    content = b"Date,Description,Amount,Balance\n2024-01-02,SHOP,-1.00,99.00\n2024-01-03,CAFE,-2.00,90.00\n2024-01-04,BAR,-2.00,88.00\n"
    preview = send(content, PREVIEW)
    assert question_ids(preview) == ["balance"]
    assert preview.json()["questions"][0]["lines"] == [3]
    refused = send(content)
    assert refused.status_code == 422 and "does not follow the amounts (lines 3)" in refused.json()["detail"]
    assert stored() == []
    imported(send(content, mapping={"ignore_balance": True}))
    assert len(stored()) == 3


def test_a_balance_that_follows_the_amounts_newest_first_or_shuffled_within_a_day_passes(send, stored):
    newest_first = b"Date,Description,Amount,Balance\n2024-01-03,CAFE,-2.00,97.00\n2024-01-02,SHOP,-1.00,99.00\n"
    assert any("follows" in c for c in imported(send(newest_first))["layout"]["checks"])
    # A (-1.00, balance 99.00) came before B (-3.00, 96.00), but the file lists B first: the day as a whole follows
    same_day = b"Date,Description,Amount,Balance\n2024-01-05,B,-3.00,96.00\n2024-01-05,A,-1.00,99.00\n2024-01-06,C,10.00,106.00\n"
    assert any("follows" in c for c in imported(send(same_day, name="b.csv"))["layout"]["checks"])


def test_opening_plus_amounts_must_give_the_closing_balance(send):
    content = (
        b"Date,Description,Amount,Opening balance,Closing balance\n,,,100.00,\n"
        b"2024-01-02,SHOP,-1.00,,\n2024-01-03,CAFE,-2.00,,\n,,,,90.00\n"
    )
    assert question_ids(send(content, PREVIEW)) == ["balance"]
    fixed = content.replace(b"90.00", b"97.00")
    assert question_ids(send(fixed, PREVIEW)) == []


def test_a_card_export_whose_charges_are_positive_is_detected_and_the_sign_confirmed(send, stored):
    content = (
        b"Date,Description,Amount\n2024-01-02,STARBUCKS STORE 123,4.95\n2024-01-03,AMAZON.COM*AB12,25.00\n"
        b"2024-01-04,SHELL OIL 5511,40.00\n2024-01-20,PAYMENT THANK YOU,-69.95\n"
    )
    preview = send(content, PREVIEW)
    assert question_ids(preview) == ["sign"]
    assert "shows charges as positive" in preview.json()["questions"][0]["text"]
    assert send(content).status_code == 422
    confirmed = send(content, PREVIEW, mapping={"negate": True}).json()
    assert [r["amount"] for r in confirmed["rows"]] == [-4.95, -25.0, -40.0, 69.95]  # the preview shows them flipped
    imported(send(content, mapping={"negate": True}))
    assert [row[2] for row in stored()] == [-4.95, -25.0, -40.0, 69.95]


def test_a_file_whose_rows_are_already_stored_with_the_opposite_sign_is_asked(send, stored):
    first = b"Date,Description,Amount\n2024-01-02,TESCO,-45.10\n2024-01-03,RENT,-900.00\n2024-01-04,SALARY,2500.00\n"
    imported(send(first, account="current"))
    flipped = first.replace(b"-45.10", b"45.10").replace(b"-900.00", b"900.00").replace(b"2500.00", b"-2500.00")
    preview = send(flipped + b"2024-01-05,CAFE,3.00\n", PREVIEW, account="current")
    assert question_ids(preview) == ["sign"]
    assert "already in the ledger for account 'current' with the opposite sign" in preview.json()["questions"][0]["text"]


def test_a_quote_that_never_closes_is_refused_with_its_line(send, stored):
    response = send(b'Date,Description,Amount\n2024-01-02,"SHOP,-1.00\n2024-01-03,CAFE,-2.00\n')
    assert response.status_code == 422
    assert "line 2 opens a quoted field that is never closed" in response.json()["detail"]
    assert stored() == []


def test_a_quote_closed_lines_too_late_is_refused_not_read_as_one_row(send, stored):
    response = send(b'Date,Description,Amount\n2024-01-02,"SHOP,-1.00\n2024-01-03,CAFE,-2.00\n2024-01-04,BAR",-3.00\n')
    assert response.status_code == 422
    assert "line 2 opens a quoted field that runs on over 2 more lines, which look like rows" in response.json()["detail"]
    assert stored() == []


def test_every_line_is_accounted_for(send):
    content = b'Date,Description,Amount\n2024-01-02,"TWO\nLINES",-1.00\n\n2024-01-03,CAFE,-2.00\n'
    layout = imported(send(content))["layout"]
    assert layout["transactions"] == 2
    assert layout["checks"][0] == (
        "Every line under the header is accounted for: 2 transactions and 1 line that are not transactions, with 1 "
        "more line inside quoted fields, make the file's 4 lines."
    )


def test_the_preview_shows_the_rows_exactly_as_they_are_stored(send, api_client, headers):
    content = b"Date,Description,Amount,Currency\n15/01/2024,  CORNER   SHOP 0412 ,\"-1.234,50\",eur\n16/01/2024,CAFE,-2,EUR\n"
    preview = send(content, PREVIEW).json()
    imported(send(content))
    stored_rows = api_client.get(f"{API}/transactions", headers=headers).json()["transactions"]
    keys = ["date", "description", "merchant", "amount", "currency", "account", "mcc"]
    as_stored = sorted(({k: r[k] for k in keys} for r in stored_rows), key=lambda r: r["date"])
    assert [{k: r[k] for k in keys} for r in preview["rows"]] == as_stored
    assert as_stored[0]["description"] == "CORNER SHOP 0412" and as_stored[0]["amount"] == -1234.5


def test_a_trade_history_sent_to_the_ledger_is_refused_saying_where_it_goes(send):
    response = send(b"Date,Action,Symbol,Quantity,Price\n2024-01-02,Buy,AAPL,10,185.00\n")
    assert response.status_code == 422 and "trade history" in response.json()["detail"]
    assert "Portfolio page" in response.json()["detail"]


INSTITUTION_SHAPES = {
    # a summary above the table, balance lines without an amount at its top and bottom, 'Running Bal.'
    "summary-and-balance-lines": (
        b'Description,,Summary Amt.\nBeginning balance as of 01/01/2024,,"1,000.00"\nEnding balance as of 01/31/2024,,'
        b'"2,500.00"\n\nDate,Description,Amount,Running Bal.\n01/01/2024,Beginning balance as of 01/01/2024,,"1,000.00"\n'
        b'01/02/2024,"PAYROLL ACME",2000.00,"3,000.00"\n01/15/2024,"GROCERY STORE",-500.00,"2,500.00"\n',
        [("2024-01-02", "PAYROLL ACME", 2000.0, "USD"), ("2024-01-15", "GROCERY STORE", -500.0, "USD")],
    ),
    # German savings bank: ';', quoted, two-digit years, 'Beguenstigter', 'Waehrung' spelt out
    "german-two-digit-years": (
        '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Beguenstigter/Zahlungspflichtiger";'
        '"Betrag";"Waehrung"\n"DE00123";"02.01.24";"02.01.24";"LASTSCHRIFT";"Strom Januar";"Stadtwerke";"-45,10";"EUR"\n'
        '"DE00123";"15.01.24";"15.01.24";"GUTSCHRIFT";"Gehalt";"ACME GmbH";"2.500,00";"EUR"\n'.encode("cp1252"),
        [("2024-01-02", "Strom Januar", -45.1, "EUR"), ("2024-01-15", "Gehalt", 2500.0, "EUR")],
    ),
    # a French bank's camelCase export
    "camel-case-headers": (
        b"dateOp;dateVal;label;category;amount\n2024-01-02;2024-01-02;CARTE 02/01 BOULANGERIE;Alimentation;-4,20\n"
        b"2024-01-03;2024-01-03;VIR SALAIRE;Revenus;2100,00\n",
        [("2024-01-02", "CARTE 02/01 BOULANGERIE", -4.2, "USD"), ("2024-01-03", "VIR SALAIRE", 2100.0, "USD")],
    ),
    # a UK app: currency in the headers, a counter party, a balance
    "currency-in-headers": (
        b"Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP)\n02/01/2024,Tesco,CARD,CARD,-12.50,987.50\n"
        b"25/01/2024,ACME Ltd,SALARY,FASTER PAYMENT,2000.00,2987.50\n",
        [("2024-01-02", "Tesco", -12.5, "GBP"), ("2024-01-25", "ACME Ltd", 2000.0, "GBP")],
    ),
    # a US bank's headerless download: date, amount, '*', an empty column, the payee
    "headerless-with-filler-columns": (
        b'"01/02/2024","-45.10","*","","GROCERY STORE 123"\n"01/15/2024","2500.00","*","","PAYROLL ACME"\n',
        [("2024-01-02", "GROCERY STORE 123", -45.1, "USD"), ("2024-01-15", "PAYROLL ACME", 2500.0, "USD")],
    ),
    # a building society: preamble, '£', month names, paid out and paid in
    "preamble-pounds-and-month-names": (
        '"Account Name:","FlexAccount ****1234"\n"Account Balance:","£1,234.56"\n\n"Date","Transaction type","Description",'
        '"Paid out","Paid in","Balance"\n"02 Jan 2024","Payment to","TESCO","£12.50","","£1,222.06"\n'
        '"25 Jan 2024","Bank credit","ACME SALARY","","£2,000.00","£3,222.06"\n'.encode("cp1252"),
        [("2024-01-02", "TESCO", -12.5, "GBP"), ("2024-01-25", "ACME SALARY", 2000.0, "GBP")],
    ),
    # Excel's 'sep=;' line before the header
    "excel-separator-line": (
        b"sep=;\nDate;Description;Amount\n15.01.2024;SHOP;-1,50\n16.01.2024;CAFE;-2,00\n",
        [("2024-01-15", "SHOP", -1.5, "USD"), ("2024-01-16", "CAFE", -2.0, "USD")],
    ),
    # a budgeting app's export: dollar signs, outflow and inflow
    "outflow-and-inflow": (
        b'"Account","Date","Payee","Memo","Outflow","Inflow"\n"Checking","01/15/2024","Grocery","","$45.10","$0.00"\n'
        b'"Checking","01/16/2024","Employer","","$0.00","$2,000.00"\n',
        [("2024-01-15", "Grocery", -45.1, "USD"), ("2024-01-16", "Employer", 2000.0, "USD")],
    ),
}


@pytest.mark.parametrize("shape", sorted(INSTITUTION_SHAPES))
def test_exports_in_the_shapes_other_institutions_write(send, stored, shape):
    content, expected = INSTITUTION_SHAPES[shape]
    record = imported(send(content))
    assert stored() == sorted(expected), record["layout"]


def test_an_account_column_that_names_the_other_party_is_not_taken_for_the_account(send, api_client, headers):
    rows = "".join(f"2024-01-{day:02d},PAYEE {day},DE{day:020d},-{day}.00\n" for day in range(1, 11))
    record = imported(send(f"Date,Payee,Account number,Amount\n{rows}".encode(), account="current"))
    assert record["accounts"] == ["current"]
    assert any("names the other party, not the account" in note for note in record["layout"]["notes"])
