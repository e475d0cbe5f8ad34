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
