"""Matters through the API: create, edit, deadlines, documents, notes; kept in Redis across restarts."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from codexcontinue_legal.matters import MatterFields, MatterNotFound, MatterStore, MatterUpdate, Note
from fastapi.testclient import TestClient
from pydantic import SecretStr

from codexcontinue import OwnedStore
from codexcontinue.api.app import create_app
from codexcontinue.store import LocalStore, RedisStore
from codexcontinue.testing.plugin import create_key

MATTERS = "/api/v1/legal/matters"
NEW_MATTER = {
    "title": "Acme v. Globex",
    "client": "Acme Corp.",
    "opposing_parties": ["Globex Inc."],
    "court": "D. Del.",
}


def test_a_matter_is_created_edited_and_listed(api_client, legal_headers):
    created = api_client.post(MATTERS, json=NEW_MATTER, headers=legal_headers)
    assert created.status_code == 201
    matter = created.json()
    assert (matter["status"], matter["deadlines"], matter["notes"]) == ("open", [], [])
    changed = api_client.patch(
        f"{MATTERS}/{matter['id']}", json={"status": "pending", "court": "S.D.N.Y."}, headers=legal_headers
    )
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["court"], changed.json()["client"]) == (
        "pending",
        "S.D.N.Y.",
        "Acme Corp.",
    )
    listed = api_client.get(MATTERS, params={"status": "pending"}, headers=legal_headers).json()
    assert [m["id"] for m in listed] == [matter["id"]]
    assert api_client.get(MATTERS, params={"status": "closed"}, headers=legal_headers).json() == []


def test_deadlines_are_computed_from_rules_and_kept_in_date_order(api_client, legal_headers):
    matter = api_client.post(MATTERS, json=NEW_MATTER, headers=legal_headers).json()
    path = f"{MATTERS}/{matter['id']}/deadlines"
    api_client.post(path, json={"title": "Trial", "due": "2024-12-02"}, headers=legal_headers)
    response = api_client.post(
        path,
        json={"title": "Answer", "rule": "21 days after service", "trigger_date": "2024-06-14"},
        headers=legal_headers,
    )
    assert response.status_code == 201
    deadlines = response.json()["deadlines"]
    assert [(d["title"], d["due"]) for d in deadlines] == [("Answer", "2024-07-05"), ("Trial", "2024-12-02")]
    assert deadlines[0]["explanation"] == "21 calendar days after service (2024-06-14) is 2024-07-05"
    half = api_client.post(
        path, json={"title": "Reply", "rule": "7 days after service"}, headers=legal_headers
    )
    assert half.status_code == 422 and "trigger_date" in half.json()["detail"]
    removed = api_client.delete(f"{path}/{deadlines[1]['id']}", headers=legal_headers)
    assert [d["title"] for d in removed.json()["deadlines"]] == ["Answer"]


def test_documents_and_notes_are_filed_under_the_matter(api_client, legal_headers):
    matter = api_client.post(MATTERS, json=NEW_MATTER, headers=legal_headers).json()
    api_client.post(
        f"{MATTERS}/{matter['id']}/documents",
        json={"name": "complaint.pdf", "description": "as filed"},
        headers=legal_headers,
    )
    api_client.post(
        f"{MATTERS}/{matter['id']}/notes", json={"text": "Call opposing counsel."}, headers=legal_headers
    )
    stored = api_client.get(f"{MATTERS}/{matter['id']}", headers=legal_headers).json()
    assert [d["name"] for d in stored["documents"]] == ["complaint.pdf"]
    assert [n["text"] for n in stored["notes"]] == ["Call opposing counsel."]


def test_mistakes_get_answers_that_say_what_to_fix(api_client, legal_headers):
    missing = api_client.get(f"{MATTERS}/nope", headers=legal_headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No matter with id 'nope'; GET /api/v1/legal/matters lists them."
    typo = api_client.post(MATTERS, json={**NEW_MATTER, "clinet": "x"}, headers=legal_headers)
    assert typo.status_code == 422 and "clinet" in typo.json()["detail"]
    bad_status = api_client.post(MATTERS, json={**NEW_MATTER, "status": "won"}, headers=legal_headers)
    assert bad_status.status_code == 422 and "Status must be one of" in bad_status.json()["detail"]


def test_matters_survive_a_restart_of_the_backend_with_redis(codexcontinue_settings, legal_redis_url):
    settings = codexcontinue_settings.model_copy(update={"redis_url": SecretStr(legal_redis_url)})
    first = create_app(settings)
    with TestClient(first) as client:
        token, _ = client.portal.call(first.state.keyring.create, "t", ["legal:read", "legal:write"])
        headers = {"Authorization": f"Bearer {token}"}
        matter = client.post(MATTERS, json=NEW_MATTER, headers=headers).json()
        client.post(f"{MATTERS}/{matter['id']}/notes", json={"text": "Kept in Redis."}, headers=headers)
    second = create_app(settings)  # a new process would build the app the same way
    with TestClient(second) as client:
        stored = client.get(f"{MATTERS}/{matter['id']}", headers=headers)
        assert stored.status_code == 200
        assert stored.json()["title"] == "Acme v. Globex"
        assert [n["text"] for n in stored.json()["notes"]] == ["Kept in Redis."]
        assert client.delete(f"{MATTERS}/{matter['id']}", headers=headers).status_code == 204
        assert client.get(MATTERS, headers=headers).json() == []


@pytest.mark.parametrize("kind", ["redis", "local"])
async def test_edits_made_at_the_same_time_are_all_kept(kind, request, tmp_path):
    store = RedisStore(request.getfixturevalue("legal_redis_url")) if kind == "redis" else LocalStore(tmp_path)
    owned = OwnedStore(store, "legal", "alice")
    matters = MatterStore(owned)
    try:
        matter = await matters.create(MatterFields(**NEW_MATTER))
        notes = [matters.add_note(matter.id, Note(text=f"note {n}")) for n in range(20)]
        await asyncio.gather(*notes, matters.update(matter.id, MatterUpdate(court="S.D.N.Y.")))

        stored = await matters.get(matter.id)
        assert sorted(note.text for note in stored.notes) == sorted(f"note {n}" for n in range(20))
        assert stored.court == "S.D.N.Y."
        await matters.delete(matter.id)
        with pytest.raises(MatterNotFound):  # an edit does not bring a deleted matter back
            await matters.add_note(matter.id, Note(text="too late"))
        assert await owned.get_json("matter", matter.id) is None
    finally:
        await store.close()


def test_opposing_parties_are_a_list_kept_whole_and_edited_item_by_item(api_client, legal_headers):
    created = api_client.post(
        MATTERS, json={**NEW_MATTER, "opposing_parties": ["Northwind Analytics, Inc.", "Globex Inc."]},
        headers=legal_headers,
    ).json()  # fmt: skip
    assert created["opposing_parties"] == ["Northwind Analytics, Inc.", "Globex Inc."]
    path = f"{MATTERS}/{created['id']}"
    added = api_client.patch(
        path, json={"opposing_parties": [*created["opposing_parties"], "Initech, LLC"]}, headers=legal_headers
    ).json()
    assert added["opposing_parties"] == ["Northwind Analytics, Inc.", "Globex Inc.", "Initech, LLC"]
    removed = api_client.patch(
        path, json={"opposing_parties": ["Northwind Analytics, Inc.", "Initech, LLC"]}, headers=legal_headers
    ).json()
    assert removed["opposing_parties"] == ["Northwind Analytics, Inc.", "Initech, LLC"]
    assert api_client.get(path, headers=legal_headers).json()["opposing_parties"] == removed["opposing_parties"]


def test_matters_kept_before_keys_had_owners_are_given_to_one_owner(tmp_path, codexcontinue_settings):
    """Before owners, matters were shared by every legal key at `legal:matter:<id>`; `legal adopt-matters`
    gives them to an owner, whose keys then read them, and nobody else's."""
    settings = codexcontinue_settings.model_copy(update={"data_dir": tmp_path / "data", "redis_url": None})
    app = create_app(settings)
    alice = {"X-API-Key": create_key(app, "legal:write", owner="alice")}
    bob = {"X-API-Key": create_key(app, "legal:write", owner="bob")}

    async def store_the_old_way() -> str:
        store = LocalStore(settings.data_dir / "store")
        try:
            staging = OwnedStore(store, "legal", "staging")
            matter = await MatterStore(staging).create(MatterFields(**NEW_MATTER))
            await store.set(f"legal:matter:{matter.id}", await staging.get("matter", matter.id))
            await staging.delete("matter", matter.id)
            return matter.id
        finally:
            await store.close()

    matter_id = asyncio.run(store_the_old_way())
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(settings.data_dir)}
    env.pop("CODEXCONTINUE_REDIS_URL", None)
    command = [sys.executable, "-m", "codexcontinue.cli", "legal", "adopt-matters", "--owner"]
    refused = subprocess.run([*command, "Alice Smith"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert refused.returncode == 2 and "lowercase letters" in refused.stderr
    adopted = subprocess.run([*command, "alice"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert adopted.returncode == 0 and "Moved 1 matter(s) to owner alice" in adopted.stdout, adopted.stderr
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{MATTERS}/{matter_id}", headers=alice).json()["title"] == "Acme v. Globex"
        assert client.get(f"{MATTERS}/{matter_id}", headers=bob).status_code == 404
        assert client.get(MATTERS, headers=bob).json() == []
