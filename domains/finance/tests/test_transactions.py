"""Transactions: bank CSVs in two layouts and an OFX file imported, categorised, summarised and checked."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from codexcontinue_finance.owner_data import OwnerData
from codexcontinue_finance.settings import FinanceSettings
from codexcontinue_finance.transaction_book import TransactionBook

from codexcontinue.store import LocalStore, RedisStore

API = "/api/v1/finance"
DATA = Path(__file__).parent / "data"

IMPORTS = "/transactions/imports"


def test_a_chase_export_is_read_with_its_columns_detected(upload):
    response = upload(IMPORTS, "chase_checking.csv")
    assert response.status_code == 201, response.text
    record = response.json()
    assert (
        record["format"],
        record["rows_read"],
        record["added"],
        record["duplicates"],
    ) == ("csv", 62, 62, 0)
    assert (record["first_date"], record["last_date"]) == ("2024-01-01", "2024-03-28")
    mapping = record["layout"]["mapping"]
    assert (mapping["date"], mapping["description"], mapping["amount"]) == (
        "Posting Date",
        "Description",
        "Amount",
    )
    assert mapping["date_order"] == "MDY"  # '03/28/2024': only month first fits every date
    assert mapping["balance"] == "Balance"
    assert "The balance column follows the amount of every row (62 rows)." in record["layout"]["checks"]
    assert record["layout"]["ignored_columns"] == ["Details", "Type", "Check or Slip #"]


def test_a_uk_export_with_debit_and_credit_columns_and_day_first_dates(upload, api_client, headers):
    record = upload(IMPORTS, "lloyds_current.csv", currency="GBP").json()
    mapping = record["layout"]["mapping"]
    assert (mapping["debit"], mapping["credit"], mapping["amount"]) == (
        "Debit Amount",
        "Credit Amount",
        None,
    )
    assert mapping["date_order"] == "DMY"
    assert record["accounts"] == ["12345678"] and record["currencies"] == ["GBP"]
    page = api_client.get(f"{API}/transactions", params={"search": "salary", "limit": 5}, headers=headers).json()
    salary = page["transactions"][0]
    assert (salary["date"], salary["amount"], salary["category"]) == (
        "2024-03-25",
        2850.0,
        "Income",
    )
    nero = api_client.get(f"{API}/transactions", params={"search": "NERO", "limit": 1}, headers=headers).json()
    assert nero["transactions"][0]["description"] == "CAFÉ NERO 0412 LONDON"  # Windows-1252 decoded
    assert nero["transactions"][0]["amount"] == -3.45


def test_an_ofx_statement_gives_categories_from_merchant_category_codes(upload, api_client, headers):
    record = upload(IMPORTS, "chase_card_2024-01.qfx").json()
    assert (record["format"], record["rows_read"], record["accounts"]) == (
        "ofx",
        13,
        ["…5678"],
    )
    rows = api_client.get(f"{API}/transactions", params={"search": "KROGER"}, headers=headers).json()["transactions"]
    assert {r["category"] for r in rows} == {"Groceries"}
    assert rows[0]["category_source"] == "mcc"
    assert rows[0]["category_reason"] == "Merchant category code 5411 (Groceries and supermarkets)."


def test_importing_an_overlapping_export_again_adds_nothing(upload):
    upload(IMPORTS, "chase_checking.csv")
    again = upload(IMPORTS, "chase_checking.csv").json()
    assert (again["added"], again["duplicates"]) == (0, 62)
    ofx_again = [upload(IMPORTS, "chase_card_2024-01.qfx").json() for _ in range(2)][1]
    assert (ofx_again["added"], ofx_again["duplicates"]) == (0, 13)


def test_two_identical_charges_in_one_export_stay_two_and_are_flagged(upload, api_client, headers):
    upload(IMPORTS, "chase_checking.csv")
    rows = api_client.get(
        f"{API}/transactions",
        params={"search": "CHIPOTLE", "month": "2024-03"},
        headers=headers,
    )
    assert [r["amount"] for r in rows.json()["transactions"]] == [-12.85, -12.85]
    report = api_client.get(f"{API}/transactions/anomalies", params={"kind": "duplicate"}, headers=headers).json()
    assert [a["reason"] for a in report["anomalies"]] == [
        "Possible duplicate: 12.85 USD was also charged by CHIPOTLE on 2024-03-16 (the same day)."
    ]


def test_anomalies_state_their_reason(upload, api_client, headers):
    upload(IMPORTS, "chase_checking.csv")
    report = api_client.get(f"{API}/transactions/anomalies", headers=headers).json()
    assert report["counts"] == {"unusual_amount": 1, "duplicate": 1, "new_merchant": 3}
    new = {a["merchant"] for a in report["anomalies"] if a["kind"] == "new_merchant"}
    assert new == {
        "APPLE STORE",
        "ZELLE PAYMENT TO JOHN",
        "ATM WITHDRAWAL",
    }  # first seen after the first 30 days
    by_kind = {a["kind"]: a for a in report["anomalies"] if a["merchant"] in ("WHOLEFDS MKT", "APPLE STORE")}
    assert by_kind["unusual_amount"]["amount"] == -612.40
    assert by_kind["unusual_amount"]["reason"].startswith(
        "612.40 USD at WHOLEFDS MKT is unusual: the typical amount is 72.35 (median of 13 payments)"
    )
    assert by_kind["new_merchant"]["reason"] == (
        "First payment to APPLE STORE: no earlier transaction with this merchant since the ledger starts on 2024-01-01."
    )


def test_a_correction_recategorises_the_merchant_and_similar_ones_learn_from_it(upload, api_client, headers):
    upload(IMPORTS, "chase_checking.csv")
    starbucks = api_client.get(
        f"{API}/transactions",
        params={"search": "STARBUCKS", "limit": 1},
        headers=headers,
    )
    transaction = starbucks.json()["transactions"][0]
    assert transaction["category"] == "Dining"
    fixed = api_client.post(
        f"{API}/transactions/corrections",
        json={"transaction_id": transaction["id"], "category": "Coffee", "create": True},
        headers=headers,
    ).json()
    assert fixed == {
        "merchant": "STARBUCKS STORE",
        "category": "Coffee",
        "transactions": 21,
    }
    again = api_client.get(f"{API}/transactions", params={"search": "STARBUCKS"}, headers=headers).json()
    assert {(t["category"], t["category_source"]) for t in again["transactions"]} == {("Coffee", "correction")}
    # a branch the user never corrected is filed by the model learned from the correction
    csv = b"Date,Description,Amount\n2024-04-02,STARBUCKS 55120 BOSTON MA,-4.95\n"
    api_client.post(f"{API}{IMPORTS}", headers=headers, files={"file": ("more.csv", csv)})
    learned = api_client.get(f"{API}/transactions", params={"search": "BOSTON"}, headers=headers).json()
    row = learned["transactions"][0]
    assert (row["category"], row["category_source"]) == ("Coffee", "learned")
    assert row["category_reason"].startswith("Learned from your correction of STARBUCKS STORE (similarity 0.")
    assert "Coffee" in api_client.get(f"{API}/transactions/categories", headers=headers).json()


def test_a_correction_must_name_an_existing_category_or_create_one(upload, api_client, headers):
    upload(IMPORTS, "chase_checking.csv")
    typo = api_client.post(
        f"{API}/transactions/corrections",
        json={"merchant": "STARBUCKS STORE", "category": "Dinning"},
        headers=headers,
    )
    assert typo.status_code == 422
    assert typo.json()["detail"].startswith("There is no category 'Dinning'. Did you mean 'Dining'?")
    assert "Dinning" not in api_client.get(f"{API}/transactions/categories", headers=headers).json()
    assert api_client.get(f"{API}/transactions/corrections", headers=headers).json() == {}
    # any case names the category as it is spelt; a new one is created only when asked
    fixed = api_client.post(
        f"{API}/transactions/corrections", json={"merchant": "STARBUCKS STORE", "category": "dining"}, headers=headers
    ).json()
    assert fixed["category"] == "Dining"
    created = api_client.post(f"{API}/transactions/categories", json={"name": "Coffee"}, headers=headers)
    assert created.status_code == 201
    assert api_client.post(
        f"{API}/transactions/corrections", json={"merchant": "STARBUCKS STORE", "category": "Coffee"}, headers=headers
    ).json()["category"] == "Coffee"
    rules = api_client.put(f"{API}/transactions/rules", json=[{"contains": "TESCO", "category": "Grocerys"}], headers=headers)
    assert rules.status_code == 422 and "Did you mean 'Groceries'?" in rules.json()["detail"]


def test_monthly_summary_and_budgets(upload, api_client, headers):
    upload(IMPORTS, "lloyds_current.csv", currency="GBP")
    months = api_client.get(f"{API}/transactions/summary", headers=headers).json()
    assert [m["month"] for m in months] == ["2024-01", "2024-02", "2024-03"]
    march = months[-1]
    assert march["currency"] == "GBP"
    assert march["income"] == 2892.50  # salary 2850.00 + refund 42.50
    assert march["net"] == round(march["income"] - march["spending"], 2)
    assert march["by_category"]["Housing"] == -1298.00  # rent 1150.00 + council tax 148.00
    budgets = [
        {"category": "Groceries", "limit": 300, "currency": "GBP"},
        {"category": "Dining", "limit": 100, "currency": "GBP"},
    ]
    assert api_client.put(f"{API}/transactions/budgets", json=budgets, headers=headers).status_code == 200
    status = api_client.get(f"{API}/transactions/budgets", params={"month": "2024-03"}, headers=headers).json()
    groceries = next(b for b in status["budgets"] if b["category"] == "Groceries")
    assert groceries["spent"] == -march["by_category"]["Groceries"]
    assert groceries["over"] is True  # the 389.99 shop
    assert groceries["remaining"] == round(300 - groceries["spent"], 2)


def test_a_mapping_override_reads_a_file_detection_cannot(api_client, headers):
    csv = b"When,Who,Out,In\n03/04/2024,CORNER SHOP,12.50,\n05/04/2024,EMPLOYER,,1000.00\n"
    refused = api_client.post(f"{API}{IMPORTS}", headers=headers, files={"file": ("odd.csv", csv)})
    assert refused.status_code == 422
    assert "Could not tell which column of 'odd.csv' holds the date and the description" in refused.json()["detail"]
    mapping = {
        "date": "When",
        "description": "Who",
        "debit": "Out",
        "credit": "In",
        "date_order": "DMY",
    }
    response = api_client.post(
        f"{API}{IMPORTS}",
        headers=headers,
        files={"file": ("odd.csv", csv)},
        data={"mapping": json.dumps(mapping), "currency": "eur"},
    )
    assert response.status_code == 201, response.text
    rows = api_client.get(f"{API}/transactions", headers=headers).json()["transactions"]
    assert [(r["date"], r["amount"], r["currency"]) for r in rows] == [
        ("2024-04-05", 1000.0, "EUR"),
        ("2024-04-03", -12.5, "EUR"),
    ]


def test_the_preview_shows_the_layout_and_imports_nothing(api_client, headers):
    csv = b"Date,Description,Amount\n2024-01-02,SHOP,-1.00\n2024-03-04,SHOP,-2.00\n"
    preview = api_client.post(f"{API}/transactions/preview", headers=headers, files={"file": ("a.csv", csv)}).json()
    assert (preview["format"], preview["layout"]["dates_written_as"]) == ("csv", "ISO 8601 (year-month-day)")
    assert [r["date"] for r in preview["rows"]] == ["2024-01-02", "2024-03-04"]
    assert api_client.get(f"{API}/transactions", headers=headers).json()["total"] == 0  # nothing imported


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "no_header.csv",
            b"01/02/2024,-5.00\n01/03/2024,-6.00\n",
            "holds the description (it has no header row, so name columns by number)",
        ),
        (
            "bad_date.csv",
            b"Date,Description,Amount\n2024-01-02,A,-1.00\n2024-13-45,B,-2.00\n",
            "Column 'Date' has values that are not valid dates when read as ISO 8601 (year-month-day): line 3: '2024-13-45'",
        ),
        (
            "bad_amount.csv",
            b"Date,Description,Amount\n2024-01-02,A,-1.00\n2024-01-03,B,twelve\n",
            "Column 'Amount' has values that are not amounts (with '.' as the decimal mark): line 3: 'twelve'",
        ),
        (
            "ragged.csv",
            b"Date,Description,Amount\n2024-01-02,A,-1.00,surplus\n",
            "Lines 2 have more fields than the header names",
        ),
        ("empty.csv", b"", "'empty.csv' is empty"),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "is a binary file, not a text export",
        ),
    ],
)
def test_a_malformed_csv_gets_a_422_saying_what_is_wrong(api_client, headers, name, content, message):
    response = api_client.post(f"{API}{IMPORTS}", headers=headers, files={"file": (name, content)})
    assert response.status_code == 422
    assert message in response.json()["detail"]


QFX = (DATA / "chase_card_2024-01.qfx").read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            QFX.replace(b"<DTPOSTED>20240102120000[0:GMT]", b"<DTPOSTED>2024-13-45"),
            "'bad.qfx' line 45: <DTPOSTED> '2024-13-45' is not a date (the date it was posted)",
        ),
        (QFX.replace(b"<TRNAMT>-42.17", b"<TRNAMT>forty"), "'bad.qfx' line 46: <TRNAMT> 'forty' is not a number"),
        (b"Some text that is not a statement", "'bad.qfx' is not a CSV table"),
        (QFX[: QFX.index(b"<OFX>")] + b"<OFX><SIGNONMSGSRSV1>", "'bad.qfx' ends at line 11 before its transaction list"),
    ],
)
def test_a_malformed_ofx_gets_a_422_saying_what_is_wrong_and_where(api_client, headers, content, message):
    response = api_client.post(f"{API}{IMPORTS}", headers=headers, files={"file": ("bad.qfx", content)})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(message)


def test_an_upload_over_the_configured_size_is_refused_with_413(codexcontinue_settings, monkeypatch):
    from fastapi.testclient import TestClient

    from codexcontinue.api.app import create_app

    monkeypatch.setenv("CODEXCONTINUE_FINANCE__MAX_UPLOAD_BYTES", "1000")
    app = create_app(codexcontinue_settings)
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "small", ["finance:write"])
        big = b"Date,Description,Amount\n" + b"2024-01-02,SHOP,-1.00\n" * 100
        response = client.post(
            f"{API}{IMPORTS}",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("big.csv", big)},
        )
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "'big.csv' is larger than the 1,000 bytes a finance upload may be. Export a shorter period (a few months at "
        "a time, for example) and upload each file; an administrator can raise the limit with "
        "CODEXCONTINUE_FINANCE__MAX_UPLOAD_BYTES."
    )


def test_another_key_sees_none_of_it(upload, api_client, other_headers):
    record = upload(IMPORTS, "chase_checking.csv").json()
    assert api_client.get(f"{API}{IMPORTS}/{record['id']}", headers=other_headers).status_code == 404
    assert api_client.get(f"{API}/transactions", headers=other_headers).json() == {
        "total": 0,
        "transactions": [],
    }
    assert api_client.get(f"{API}{IMPORTS}", headers=other_headers).json() == []
    refused = api_client.post(
        f"{API}/transactions/corrections",
        headers=other_headers,
        json={"merchant": "STARBUCKS STORE", "category": "Coffee"},
    )
    assert refused.status_code == 404


def test_deleting_an_import_removes_its_rows(upload, api_client, headers):
    chase = upload(IMPORTS, "chase_checking.csv").json()
    upload(IMPORTS, "chase_card_2024-01.qfx")
    removed = api_client.delete(f"{API}{IMPORTS}/{chase['id']}", headers=headers).json()
    assert removed == {"removed": 62}
    assert api_client.get(f"{API}/transactions", headers=headers).json()["total"] == 13


@pytest.mark.parametrize("kind", ["redis", "local"])
async def test_imports_and_corrections_made_at_the_same_time_are_all_kept(kind, request, tmp_path):
    if kind == "redis":
        redis_proc = request.getfixturevalue("redis_proc")
        store = RedisStore(f"redis://{redis_proc.host}:{redis_proc.port}/0")
        await store.client.flushall()
    else:
        store = LocalStore(tmp_path / "store")
    book = TransactionBook(OwnerData(store, "owner"), FinanceSettings())
    files = ["chase_checking.csv", "lloyds_current.csv"]
    try:
        records = await asyncio.gather(
            *(book.import_file((DATA / name).read_bytes(), name, None, None, None) for name in files)
        )
        assert (await book.ledger()).height == sum(record.added for record in records) > 0
        assert {record.filename for record in await book.imports()} == set(files)

        merchants = (await book.ledger())["merchant"].unique().sort().to_list()[:2]
        await asyncio.gather(*(book.correct(f"Category {m}", None, m, create=True) for m in merchants))
        assert await book.corrections() == {m: f"Category {m}" for m in merchants}
    finally:
        await store.close()


async def test_a_ledger_kept_as_one_table_by_an_earlier_version_is_split_into_its_imports(tmp_path):
    store = LocalStore(tmp_path / "store")
    data = OwnerData(store, "owner")
    book = TransactionBook(data, FinanceSettings())
    try:
        record = await book.import_file((DATA / "chase_checking.csv").read_bytes(), "chase.csv", None, None, None)
        rows = await book.ledger()
        # as the earlier version kept it: every row in one table under 'ledger', and no index
        await data.set_frame(rows, "ledger")
        await data.delete("ledger_index")
        await data.delete("ledger_parts", record.id)
        assert (await book.ledger()).height == 62
        assert await data.get_frame("ledger") is None and await data.get_frame("ledger_parts", record.id) is not None
        assert await book.delete_import(record.id) == 62 and (await book.ledger()).height == 0
    finally:
        await store.close()
