"""The public plugin API as data: what `codexcontinue` exports, the hooks, the testing kit.

`python tests/api_surface.py --update` rewrites the snapshot in tests/data/api_surface.json; it
refuses unless PLUGIN_API_VERSION was bumped first, so every change to the surface is deliberate.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).parent / "data" / "api_surface.json"


def _describe(obj: Any) -> Any:
    from typing import Annotated, get_args, get_origin

    from pydantic import BaseModel

    if get_origin(obj) is Annotated:
        kind, *extras = get_args(obj)
        return {"annotated": f"{kind.__module__}.{kind.__qualname__}", "depends": [
            getattr(getattr(extra, "dependency", None), "__qualname__", repr(extra)) for extra in extras
        ]}  # fmt: skip
    if isinstance(obj, type) and issubclass(obj, BaseModel):
        return {name: str(field.annotation) for name, field in obj.model_fields.items()}
    if isinstance(obj, type):
        members = {
            name: str(inspect.signature(member))
            for name, member in inspect.getmembers(obj, inspect.isfunction)
            if not name.startswith("_") or name == "__init__"
        }
        return {"class": members}
    if callable(obj) and inspect.isfunction(obj):
        return str(inspect.signature(obj))
    if isinstance(obj, (str, int, float, dict, list, tuple)):
        return repr(obj)
    return f"{type(obj).__module__}.{type(obj).__qualname__}({getattr(obj, 'project_name', '')})"


def surface() -> dict[str, Any]:
    """The names and signatures a pack may rely on."""
    import codexcontinue
    from codexcontinue import hookspecs
    from codexcontinue.testing import conformance, plugin

    exports = {name: _describe(getattr(codexcontinue, name)) for name in codexcontinue.__all__}
    exports.pop("PLUGIN_API_VERSION")  # its value is what changes with the surface
    hooks = {
        name: str(inspect.signature(function))
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "codexcontinue_spec")
    }
    kit = {
        "conformance_test": str(inspect.signature(conformance.conformance_test)),
        "checks": sorted(conformance.CHECKS),
        "fixtures": sorted(
            name for name, value in vars(plugin).items() if hasattr(value, "_fixture_function_marker")
            or type(value).__name__ == "FixtureFunctionDefinition"
        ),
    }
    return {"exports": exports, "hooks": hooks, "testing_kit": kit}


def main() -> int:
    """Rewrite the snapshot after a deliberate change (with `--update`)."""
    from codexcontinue.packs import PLUGIN_API_VERSION

    if "--update" not in sys.argv:
        print(__doc__)
        return 2
    old = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else None
    if old and old["plugin_api"] == PLUGIN_API_VERSION and old["surface"] != surface():
        print(f"The surface changed but PLUGIN_API_VERSION is still {PLUGIN_API_VERSION}: bump it in "
              "core/codexcontinue/packs/__init__.py (minor for additions, major for removals) and run this again.")
        return 1
    SNAPSHOT.write_text(json.dumps({"plugin_api": PLUGIN_API_VERSION, "surface": surface()}, indent=2) + "\n")
    print(f"Wrote {SNAPSHOT} for plugin API {PLUGIN_API_VERSION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
