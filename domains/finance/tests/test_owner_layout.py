"""What a key uploaded before keys had owners (`finance:<key prefix>:...`) is moved to the key's owner
namespace when the pack starts, so it stays reachable with the same key."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app
from codexcontinue.store import open_store
from codexcontinue.testing.plugin import create_key

from .conftest import DATA

API = "/api/v1/finance"


def to_the_per_key_layout(settings, prefix: str) -> list[str]:
    """Move the key's items back to where finance kept them before owners; returns the old keys."""

    async def move() -> list[str]:
        store = open_store(settings)
        try:
            namespace = f"pack:finance:owner:{prefix}:"
            old_keys = []
            for key in await store.keys(namespace):
                old_keys.append(f"finance:{prefix}:{key[len(namespace):]}")
                await store.set(old_keys[-1], await store.get(key))
                await store.delete(key)
            return old_keys
        finally:
            await store.close()

    return asyncio.run(move())


def test_data_stored_per_key_before_owners_is_reachable_after_the_upgrade(codexcontinue_settings):
    token = create_key(create_app(codexcontinue_settings), "finance:write")
    headers = {"X-API-Key": token}
    with TestClient(create_app(codexcontinue_settings)) as client, (DATA / "apple_fy2023_statement.csv").open("rb") as file:
        statement = client.post(f"{API}/statements", files={"file": ("s.csv", file)}, headers=headers).json()
    old_keys = to_the_per_key_layout(codexcontinue_settings, token.split("_")[1])
    assert any(key.startswith("finance:") for key in old_keys)
    with TestClient(create_app(codexcontinue_settings)) as client:  # the pack's startup moves them
        assert client.get(f"{API}/statements/{statement['id']}", headers=headers).json() == statement
        assert [s["id"] for s in client.get(f"{API}/statements", headers=headers).json()] == [statement["id"]]
        assert client.portal.call(client.app.state.store.keys, "finance:") == []
