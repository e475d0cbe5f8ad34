"""API keys: shown once, stored hashed, scoped, revocable."""

from __future__ import annotations

import pytest

from codexcontinue.keys import KeyRequestError, KeyRing
from codexcontinue.store import LocalStore


@pytest.fixture
async def keyring(tmp_path):
    store = LocalStore(tmp_path / "store")
    yield KeyRing(store)
    await store.close()


async def test_a_key_is_stored_as_a_hash_only(keyring):
    token, key = await keyring.create("ci", ["legal:read"])
    secret = token.split("_", 2)[2]
    for record_key in await keyring.store.keys(""):
        assert secret.encode() not in await keyring.store.get(record_key)
    assert (await keyring.verify(token)).name == "ci"


async def test_a_wrong_secret_with_a_real_prefix_fails(keyring):
    token, _ = await keyring.create("ci", ["legal:read"])
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert await keyring.verify(forged) is None


async def test_scopes(keyring):
    _, reader = await keyring.create("r", ["legal:read"])
    _, writer = await keyring.create("w", ["legal:write"])
    _, admin = await keyring.create("a", ["admin"])
    assert reader.allows("legal:read") and not reader.allows("legal:write")
    assert writer.allows("legal:read") and writer.allows("legal:write")
    assert not writer.allows("finance:read")
    assert admin.allows("finance:write") and admin.allows("metrics:read")


async def test_bad_scopes_are_refused_with_the_accepted_forms(keyring):
    with pytest.raises(KeyRequestError, match="use 'admin', '<pack>:read' or '<pack>:write'"):
        await keyring.create("x", ["legal:delete"])


@pytest.mark.parametrize("name", ["two\nlines", "tab\there", "bell\x07"])
async def test_a_key_name_with_a_control_character_is_refused(keyring, name):
    with pytest.raises(KeyRequestError, match="holds a control character"):
        await keyring.create(name, ["legal:read"])
    assert await keyring.list() == []


async def test_revoke(keyring):
    token, key = await keyring.create("ci", ["admin"])
    await keyring.revoke(key.prefix)
    assert await keyring.verify(token) is None
    assert [k.revoked for k in await keyring.list()] == [True]
    with pytest.raises(KeyRequestError, match="No API key with prefix"):
        await keyring.revoke("000000000000")


async def test_a_key_made_without_an_owner_is_its_own_owner(keyring):
    token, key = await keyring.create("ci", ["legal:read"])
    assert key.owner == key.prefix
    assert (await keyring.verify(token)).owner == key.prefix


async def test_keys_of_one_owner_name_it_and_keep_it(keyring):
    laptop_token, laptop = await keyring.create("laptop", ["legal:write"], owner="alice")
    _, phone = await keyring.create("phone", ["legal:read"], owner="alice")
    assert laptop.owner == phone.owner == "alice" and laptop.prefix != phone.prefix
    assert (await keyring.verify(laptop_token)).owner == "alice"
    assert {key.owner for key in await keyring.list()} == {"alice"}


async def test_a_key_stored_before_owners_existed_is_its_own_owner(keyring):
    token, key = await keyring.create("old", ["legal:write"])
    record = await keyring.store.get_json("apikey:" + key.prefix)
    del record["owner"]  # the record as keys were stored before they had owners
    await keyring.store.set_json("apikey:" + key.prefix, record)
    assert (await keyring.verify(token)).owner == key.prefix
    assert [k.owner for k in await keyring.list()] == [key.prefix]


@pytest.mark.parametrize("owner", ["", "Alice", "two words", "tab\there", "new\nline", "a:b", "-alice", "x" * 65])
async def test_a_malformed_owner_is_refused_with_what_an_owner_may_hold(keyring, owner):
    with pytest.raises(KeyRequestError, match="lowercase letters, digits"):
        await keyring.create("k", ["legal:read"], owner=owner)
    assert await keyring.list() == []


async def test_an_owner_that_looks_like_a_key_prefix_must_be_an_existing_key(keyring):
    with pytest.raises(KeyRequestError, match="looks like a key prefix but no key has it"):
        await keyring.create("k", ["legal:read"], owner="0123456789ab")
    _, old = await keyring.create("old", ["legal:read"])
    _, rotated = await keyring.create("rotated", ["legal:read"], owner=old.prefix)  # shares the old key's objects
    assert rotated.owner == old.owner == old.prefix


def test_the_admin_keys_api_names_the_owner_and_refuses_a_malformed_one(api_client, make_api_key):
    admin = make_api_key("admin")
    created = api_client.post("/api/v1/keys", json={"name": "laptop", "scopes": ["legal:write"], "owner": "alice"}, headers=admin)
    assert created.status_code == 201 and created.json()["key"]["owner"] == "alice"
    me = api_client.get("/api/v1/keys/me", headers={"X-API-Key": created.json()["token"]}).json()
    assert me["owner"] == "alice"
    solo = api_client.post("/api/v1/keys", json={"name": "solo", "scopes": ["legal:read"]}, headers=admin).json()["key"]
    assert solo["owner"] == solo["prefix"]
    refused = api_client.post("/api/v1/keys", json={"name": "x", "scopes": ["legal:read"], "owner": "team\nlegal"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Owner 'team\\nlegal' must be 1 to 64 lowercase letters")
    assert len(api_client.get("/api/v1/keys", headers=admin).json()) == 3  # admin, laptop, solo: nothing of the refused one
