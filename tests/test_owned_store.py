"""`OwnedStore`: one owner's items of one pack, in a namespace no other owner or pack reaches."""

from __future__ import annotations

import pytest

from codexcontinue.owned_store import OwnedStore
from codexcontinue.store import LocalStore


@pytest.fixture
async def store(tmp_path):
    store = LocalStore(tmp_path / "store")
    yield store
    await store.close()


async def test_items_of_one_owner_are_invisible_to_another_owner_and_another_pack(store):
    alice, bob = OwnedStore(store, "legal", "alice"), OwnedStore(store, "legal", "bob")
    alice_finance = OwnedStore(store, "finance", "alice")
    await alice.set_json({"title": "Walk v. Owners"}, "matter", "m1")
    await alice.set(b"raw", "matter", "m2", "attachment")
    assert await alice.get_json("matter", "m1") == {"title": "Walk v. Owners"}
    assert await alice.names("matter") == ["m1", "m2"] and await alice.names() == ["matter"]
    for other in (bob, alice_finance):
        assert await other.get_json("matter", "m1") is None
        assert await other.names("matter") == [] and await other.names() == []
        assert await other.delete("matter", "m1") is False
    assert await store.keys("pack:legal:owner:alice:") == [
        "pack:legal:owner:alice:matter:m1", "pack:legal:owner:alice:matter:m2:attachment"
    ]  # fmt: skip


async def test_an_owner_whose_name_starts_another_owners_name_sees_only_its_own(store):
    await OwnedStore(store, "legal", "al").set_json(1, "matter", "short")
    await OwnedStore(store, "legal", "alice").set_json(2, "matter", "long")
    assert await OwnedStore(store, "legal", "al").names("matter") == ["short"]


async def test_update_and_delete(store):
    owned = OwnedStore(store, "legal", "alice")
    assert await owned.update_json(lambda doc: (doc or 0) + 1, "counter") == 1
    assert await owned.update_json(lambda doc: doc + 1, "counter") == 2
    assert await owned.delete("counter") is True and await owned.get("counter") is None


@pytest.mark.parametrize(("pack", "owner"), [("", "alice"), ("legal", ""), ("legal", "a:b"), ("le:gal", "alice")])
def test_a_namespace_needs_a_pack_and_an_owner_without_a_colon(store, pack, owner):
    with pytest.raises(ValueError, match="without ':'"):
        OwnedStore(store, pack, owner)


async def test_an_item_needs_a_name(store):
    owned = OwnedStore(store, "legal", "alice")
    with pytest.raises(ValueError, match="at least one part"):
        await owned.get()
    with pytest.raises(ValueError, match="no empty part"):
        await owned.set_json({}, "matter", "")
