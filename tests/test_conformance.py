"""The conformance suite passes for the built-in packs and fails a deliberately broken pack."""

from __future__ import annotations

import textwrap

import pytest

from codexcontinue.testing.conformance import (
    CHECKS,
    ConformanceError,
    conformance_test,
    pack_under_test,
)

BROKEN = '''
"""A pack that breaks every rule a pack can break."""
PLUGIN_API = ">=1"
from pathlib import Path
from pydantic import Field
from codexcontinue import ModelSpec, PackInfo, PackSettings, PageSpec, hookimpl

try:
    import codexcontinue._secret_sauce  # a private module of the core
except ImportError:
    pass

PAGE = Path(__file__).with_name("broken_page.py")


class BrokenSettings(PackSettings):
    colour: str = "red"
    api_token: str = Field(default="", description="Stored as plain text.")


@hookimpl
def pack_info():
    return PackInfo(name="broken", title="Broken")


@hookimpl
def pack_settings():
    return BrokenSettings


@hookimpl
def register_pages(register):
    register(PageSpec(path=PAGE, title="Crash", slug="crash"))


@hookimpl
def register_models(register):
    register(ModelSpec(name="broken-bot", base="llama3.2:1b", options={"temprature": 0.1}))
'''


@pytest.fixture
def broken(codexcontinue_settings, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "broken.py").write_text(textwrap.dedent(BROKEN))
    (plugins / "broken_page.py").write_text("raise RuntimeError('page exploded')\n")
    return pack_under_test("broken", codexcontinue_settings.model_copy(update={"plugins_dir": plugins}))


# The built-in packs run the suite through the same one line a third-party pack uses.
test_developer_pack_conforms = conformance_test("developer")


@pytest.mark.parametrize(
    "check, message",
    [
        ("pages_render", "page 'crash'"),
        ("models_valid", "options Ollama does not know: temprature"),
        ("settings_documented", "setting 'colour' of BrokenSettings has no description"),
        ("api_range_matches", "accepts plugin API 2"),
        ("no_private_imports", "imports codexcontinue._secret_sauce"),
    ],
)
def test_a_broken_pack_fails_the_checks_it_breaks(broken, check, message):
    with pytest.raises(ConformanceError, match=message.replace("(", r"\(")):
        CHECKS[check](broken)


def test_the_broken_pack_still_loads_so_the_checks_are_about_conformance(broken):
    CHECKS["loads"](broken)
    CHECKS["routes_require_scope"](broken)  # the core scopes every pack route itself


def test_a_secret_typed_as_str_fails(broken, monkeypatch):
    settings = broken.registry.call("broken", "pack_settings")
    monkeypatch.setattr(settings.model_fields["colour"], "description", "The colour.")
    with pytest.raises(ConformanceError, match="'api_token' .* looks secret .* declare it as SecretStr"):
        CHECKS["settings_documented"](broken)


def test_an_unscoped_route_fails_the_scope_check(broken):
    async def open_door() -> dict[str, str]:
        return {"open": "yes"}

    broken.app.add_api_route("/api/v1/broken/open", open_door)  # what a core regression would do
    with pytest.raises(ConformanceError, match="GET /api/v1/broken/open answered 200 where 401 was due"):
        CHECKS["routes_require_scope"](broken)


def test_a_pack_that_does_not_import_fails_to_load(codexcontinue_settings, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "gone.py").write_text('PLUGIN_API = ">=1,<2"\nimport not_installed_anywhere\n')
    subject = pack_under_test("gone", codexcontinue_settings.model_copy(update={"plugins_dir": plugins}))
    with pytest.raises(ConformanceError, match="did not load: .*not_installed_anywhere"):
        CHECKS["loads"](subject)
