"""Fuzzing the import routes: thousands of truncated, shuffled and byte-flipped OFX and CSV files (a fixed seed), and
not one answer is a 5xx, and nothing is stored when a file is refused."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from codexcontinue_finance.owner_data import OwnerData
from .statement_files import ROWS, document, investment_statement, ofx, statement

API = "/api/v1/finance"
DATA = Path(__file__).parent / "data"
SEED = 20241204
CASES = int(os.environ.get("FINANCE_FUZZ_CASES", "3000"))


@pytest.fixture
def codexcontinue_settings(codexcontinue_settings):
    """The finance tests' settings, with room for thousands of requests a minute."""
    return codexcontinue_settings.model_copy(update={"rate_limit": "100000/minute"})


def seeds() -> list[bytes]:
    """Well-formed files of every kind the routes take, written by the tests (and the pack's test files)."""
    files = [(DATA / name).read_bytes() for name in ("chase_checking.csv", "lloyds_current.csv", "chase_card_2024-01.qfx")]
    files += [
        ofx(statement(ROWS)),
        document(investment_statement()),
        "Buchungstag;Verwendungszweck;Betrag (EUR)\n02.01.2024;Miete;-1.234,56\n15.01.2024;Gehalt;2.500,00\n".encode("cp1252"),
        b"15/01/2024,SALARY ACME,,2500.00\n16/01/2024,TESCO,45.10,\n17/01/2024,RENT,900.00,\n",
        b"Date,Description,Amount,Balance\r2024-01-02,SHOP,-1.00,99.00\r2024-01-03,CAFE,-2.00,97.00\r",
        (DATA / "broker_activity.csv").read_bytes(),
    ]
    return files


def mutated(rng: random.Random, content: bytes) -> bytes:
    """`content` cut short, with its lines shuffled, with bytes flipped, or with separators and tags inserted."""
    kind = rng.randrange(4)
    if kind == 0:
        return content[: rng.randrange(len(content) + 1)]
    if kind == 1:
        lines = content.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines)
    data = bytearray(content)
    if kind == 2:
        for _ in range(rng.randrange(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    for _ in range(rng.randrange(1, 12)):
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice([b"<", b">", b"</", b'"', b"\n", b"\r", b",", b";", b"\t", b"-", b".", b"<STMTTRN>", b"\x00"])
    return bytes(data)


@pytest.mark.slow
def test_thousands_of_damaged_files_get_no_5xx_and_a_refusal_stores_nothing(api_client, headers, codexcontinue_app):
    store = codexcontinue_app.state.store
    owner = api_client.get("/api/v1/keys/me", headers=headers).json()["owner"]

    def stored() -> list[tuple[str, object]]:
        """Everything the key's owner has in the store (the ledger's index by the imports it lists, not its version)."""
        keys = api_client.portal.call(store.keys, OwnerData(store, owner).namespace)
        values = [(key, api_client.portal.call(store.get, key)) for key in keys]
        values = [(k, json.loads(v)["parts"] if k.endswith(":ledger_index") else v) for k, v in values]
        return [(k, v) for k, v in values if v != []]

    rng = random.Random(SEED)
    files = seeds()
    before = stored()
    statuses: dict[int, int] = {}
    for case in range(CASES):
        content = mutated(rng, rng.choice(files))
        if case % 3 == 2:
            response = api_client.put(f"{API}/portfolios/fuzz/activity", headers=headers, files={"file": ("f.ofx", content)})
        else:
            response = api_client.post(f"{API}/transactions/imports", headers=headers, files={"file": ("f.csv", content)})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, f"case {case}: {response.status_code} {response.text[:300]} for {content[:300]!r}"
        if response.status_code >= 400:
            assert response.json()["detail"], f"case {case}: a refusal without a message"
            assert stored() == before, f"case {case}: refused ({response.json()['detail'][:200]}) but the store changed"
        elif response.status_code == 201:  # remove what was read, so the next refusal is checked against the same store
            assert api_client.delete(f"{API}/transactions/imports/{response.json()['id']}", headers=headers).status_code == 200
            assert stored() == before, f"case {case}: deleting the import left something behind"
        else:
            before = stored()
    # the cases reach both sides: some files are still read, most are refused
    assert statuses.get(201, 0) + statuses.get(200, 0) > CASES / 30 and statuses.get(422, 0) > CASES / 3, statuses
