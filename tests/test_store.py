"""The store contract, run against a real redis-server and against the embedded local store."""

from __future__ import annotations

import asyncio

import pytest

from codexcontinue.store import LocalStore, RedisStore, StoreUnavailable


@pytest.fixture(params=["local", "redis"])
async def store(request, tmp_path):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        store = RedisStore(url)
    else:
        store = LocalStore(tmp_path / "store")
    yield store
    await store.close()


async def test_set_get_delete(store):
    assert await store.get("missing") is None
    await store.set("greeting", "hello")
    assert await store.get("greeting") == b"hello"
    assert await store.delete("greeting") is True
    assert await store.delete("greeting") is False
    assert await store.get("greeting") is None


async def test_json_documents(store):
    await store.set_json("matter:1", {"client": "ACME", "deadlines": ["2026-12-01"]})
    assert await store.get_json("matter:1") == {"client": "ACME", "deadlines": ["2026-12-01"]}


async def test_ttl_expires(store):
    await store.set("short", b"lived", ttl=0.2)
    assert await store.get("short") == b"lived"
    await asyncio.sleep(0.4)
    assert await store.get("short") is None


async def test_incr_is_atomic_under_concurrency(store):
    await asyncio.gather(*(store.incr("hits") for _ in range(50)))
    assert await store.incr("hits", 0) == 50
    assert await store.get("hits") == b"50"


async def test_update_json_loses_no_concurrent_change(store):
    def add(number: int):
        return lambda document: {"seen": [*(document or {"seen": []})["seen"], number]}

    written = await asyncio.gather(*(store.update_json("ledger", add(n)) for n in range(30)))

    assert sorted((await store.get_json("ledger"))["seen"]) == list(range(30))
    assert max(len(document["seen"]) for document in written) == 30


async def test_update_json_writes_nothing_when_the_change_raises(store):
    await store.set_json("doc", {"v": 1})

    def refuse(document):
        raise LookupError(f"no, it has v={document['v']}")

    with pytest.raises(LookupError, match="v=1"):
        await store.update_json("doc", refuse)
    assert await store.get_json("doc") == {"v": 1}
    assert await store.update_json("fresh", lambda document: {"was": document}, ttl=60) == {"was": None}


async def test_keys_by_prefix_treats_glob_characters_literally(store):
    for key in ("a:1", "a:2", "a*:3", "b:1"):
        await store.set(key, "x")
    assert await store.keys("a:") == ["a:1", "a:2"]
    assert await store.keys("a*") == ["a*:3"]


async def test_local_store_is_shared_between_instances(tmp_path):
    first, second = LocalStore(tmp_path / "s"), LocalStore(tmp_path / "s")
    await first.set("k", "v")
    assert await second.get("k") == b"v"
    await first.close()
    await second.close()


async def test_unreachable_redis_raises_a_clear_error():
    store = RedisStore("redis://:topsecret@127.0.0.1:1/0")
    with pytest.raises(StoreUnavailable) as caught:
        await store.ping()
    assert "127.0.0.1:1" in str(caught.value) and "topsecret" not in str(caught.value)
    await store.close()
