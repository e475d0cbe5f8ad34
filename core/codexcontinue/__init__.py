"""CodexContinue: what a pack author needs, and nothing else.

Names other than `hookimpl` load on first use, so `import codexcontinue` stays fast for the CLI.
"""

from importlib import import_module
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("codexcontinue")

_EXPORTS = {
    "PLUGIN_API_VERSION": "codexcontinue.packs",
    "ApiKeyDep": "codexcontinue.api.deps",
    "READ_SCOPE": "codexcontinue.api.deps",
    "InputError": "codexcontinue.api.errors",
    "LLMDep": "codexcontinue.api.deps",
    "OwnedStore": "codexcontinue.owned_store",
    "OwnedStoreDep": "codexcontinue.api.deps",
    "OwnerDep": "codexcontinue.api.deps",
    "StoreDep": "codexcontinue.api.deps",
    "pack_settings": "codexcontinue.api.deps",
    "PackContext": "codexcontinue.context",
    "record_resources": "codexcontinue.audit",
    "HealthReport": "codexcontinue.specs",
    "JobContext": "codexcontinue.ml.jobs",
    "LLMCall": "codexcontinue.specs",
    "LLMResult": "codexcontinue.ml.runtime",
    "ModelSpec": "codexcontinue.specs",
    "PackInfo": "codexcontinue.specs",
    "PackSettings": "codexcontinue.specs",
    "PageSpec": "codexcontinue.specs",
    "TaskSpec": "codexcontinue.specs",
}

__all__ = ["hookimpl", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'codexcontinue' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
