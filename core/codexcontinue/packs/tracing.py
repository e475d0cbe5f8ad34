"""Hook tracing: with `CODEXCONTINUE_TRACE_HOOKS` set, every hook call is printed with its implementations and timing."""

from __future__ import annotations

import sys
import time
from typing import Any

import pluggy


def trace_hook_calls(plugin_manager: pluggy.PluginManager) -> None:
    """Print each hook call on stderr: the hook, the packs implementing it, then its time and whether it raised."""
    started: dict[int, float] = {}

    def before(hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        started[id(kwargs)] = time.perf_counter()
        names = ", ".join(impl.plugin_name for impl in hook_impls)
        print(f"[hook] {hook_name} -> {names}", file=sys.stderr)

    def after(outcome: Any, hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        elapsed = (time.perf_counter() - started.pop(id(kwargs), time.perf_counter())) * 1000
        failed = " (raised)" if outcome.exception else ""
        print(f"[hook] {hook_name} done in {elapsed:.2f} ms{failed}", file=sys.stderr)

    plugin_manager.add_hookcall_monitoring(before, after)
