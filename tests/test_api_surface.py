"""The public plugin API matches its checked-in snapshot, so a change to it is deliberate."""

from __future__ import annotations

import json

from api_surface import SNAPSHOT, surface

from codexcontinue.packs import PLUGIN_API_VERSION


def test_the_public_surface_matches_the_snapshot():
    snapshot = json.loads(SNAPSHOT.read_text())
    assert snapshot["plugin_api"] == PLUGIN_API_VERSION, (
        "PLUGIN_API_VERSION changed: run `python tests/api_surface.py --update` to record the new surface"
    )
    assert surface() == snapshot["surface"], (
        "The public plugin API changed. If that is deliberate, bump PLUGIN_API_VERSION in "
        "core/codexcontinue/packs/__init__.py, document the change in docs/pack-authors.md, and run "
        "`python tests/api_surface.py --update`."
    )


def test_the_surface_covers_what_a_pack_author_uses():
    current = surface()
    assert {"hookimpl", "PackInfo", "ModelSpec", "PageSpec", "PackSettings", "READ_SCOPE"} <= set(current["exports"])
    assert "register_models" in current["hooks"]
    assert {"pack_app", "pack_client", "run_page", "ollama_server"} <= set(current["testing_kit"]["fixtures"])
