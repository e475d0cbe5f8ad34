"""Build pack distributions on disk the way pip leaves them (a .dist-info folder beside the code).

Tests put the folder on sys.path (or PYTHONPATH for a subprocess) and discovery finds the packs
through `importlib.metadata`, exactly as it finds pip-installed ones.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

GOOD_PLUGIN = '''
from pathlib import Path
from fastapi import APIRouter
from codexcontinue import PackInfo, PageSpec, ModelSpec, hookimpl

router = APIRouter()


@router.get("/ping")
async def ping():
    return {{"pack": "{name}"}}


@hookimpl
def pack_info():
    return PackInfo(name="{name}", title="{title}", version="{version}")


@hookimpl
def api_router():
    return router


@hookimpl
def register_models(register):
    register(ModelSpec(name="{model}", base="llama3.2:1b"))
'''


VAULT_PLUGIN = """
from pydantic import Field, SecretStr
from codexcontinue import PackInfo, PackSettings, hookimpl

class VaultSettings(PackSettings):
    api_token: SecretStr = Field(description="The vault's token.")
    retries: int = Field(default=3, description="How often to retry the vault.")

@hookimpl
def pack_info():
    return PackInfo(name="vault", title="Vault")

@hookimpl
def pack_settings():
    return VaultSettings
"""


def install_pack(
    site: Path,
    name: str,
    *,
    plugin_source: str | None = None,
    api_range: str | None = ">=1,<2",
    version: str = "1.0.0",
    model: str | None = None,
    distribution: str | None = None,
) -> Path:
    """Write distribution `codexcontinue-<name>` with module `cc_test_<name>` into `site`."""
    distribution = distribution or f"codexcontinue-{name}"
    module = f"cc_test_{distribution.replace('-', '_')}"
    source = plugin_source or GOOD_PLUGIN.format(
        name=name, title=name.title(), version=version, model=model or f"{name}-assistant"
    )
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    dist_info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
        f"Summary: Test pack {name}\n"
    )
    (dist_info / "entry_points.txt").write_text(f"[codexcontinue]\n{name} = {module}\n")
    if api_range is not None:
        (dist_info / "extra_metadata").mkdir()
        (dist_info / "extra_metadata" / "codexcontinue-pack.toml").write_text(
            f'plugin-api = "{api_range}"\n'
        )
    return site


def routed_pack_source(name: str, routes: str, *, doc: str = "A test pack.", imports: str = "", hooks: str = "") -> str:
    """The source of a one-file pack `name` (plugin API 1.x): `imports`, an APIRouter `router` with
    `routes`, the pack_info and api_router hooks, then any other `hooks`."""
    return f'''"""{doc}"""
PLUGIN_API = ">=1,<2"
from fastapi import APIRouter
from codexcontinue import PackInfo, hookimpl
{imports}
router = APIRouter()

{routes}

@hookimpl
def pack_info():
    return PackInfo(name="{name}", title="{name.title()}")


@hookimpl
def api_router():
    return router

{hooks}'''

