"""Parsing and analysing user code in a child process that is killed when its request ends.

Python's parser holds the GIL for as long as it parses: 1 MB of `x = 1` lines takes about 2 s and
400 MB, during which a thread of the API could not let `/healthz` answer. So the work that parses
code (radon, bandit, griffe, `ast`) runs in a child process: the API's event loop and threads never
wait for it, its memory is capped (`RLIMIT_AS`, `CODEXCONTINUE_DEVELOPER__MAX_ANALYSIS_MEMORY_BYTES`,
so a file the parser cannot handle is a clear 4xx instead of a swollen API), and when the request's
time limit fires (or the client leaves) the child is killed at once instead of running on.

Children are forked from a multiprocessing forkserver that has imported the analysis libraries
already, so one starts in about 20 ms; at most `max_analysis_processes` run at a time, each at a
lower CPU priority (nice 10) than the API, so that on busy cores requests are answered first.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import resource
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from codexcontinue import InputError

T = TypeVar("T")
BACKGROUND_NICENESS = 10
PRELOADED = ["codexcontinue.cli", "codexcontinue_developer.analysis", "codexcontinue_developer.documentation"]
"""What the forkserver imports once for every child: the analysis libraries, and the `codexcontinue`
command (multiprocessing runs the parent's main module again in each child, and the API runs as
`codexcontinue api`; with its imports already there that takes milliseconds, not a third of a second)."""
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOADED)
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


class AnalysisCrashed(RuntimeError):
    """The child process died without an answer (killed by the system, or a crash in a parser)."""


def start_forkserver() -> None:
    """Start the forkserver (importing the analysis libraries, about a second) so the first request
    does not wait for it; later calls return at once."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


async def run_isolated(function: Callable[..., T], *args: Any, memory_bytes: int, processes: int) -> T:
    """`function(*args)` in a child process whose address space is capped at `memory_bytes`; at
    most `processes` children run at once. The child is killed when the awaiting task is cancelled.

    `InputError` raised in the child is raised here; the parser giving up (`MemoryError`,
    `RecursionError`) becomes an `InputError` too. `function` and `args` must pickle.
    """
    slots = _SLOTS.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(processes))
    async with slots:
        with tempfile.TemporaryDirectory(prefix="codexcontinue-developer-result-") as scratch:
            result = Path(scratch) / "result.pickle"
            process = _CONTEXT.Process(
                target=_child, args=(result, memory_bytes, function, args), name="codexcontinue-analysis", daemon=True
            )
            # Starting waits for the forkserver to answer with the child's pid, and a busy machine
            # can take a while to schedule it: wait in a thread, not in the loop.
            starting = asyncio.get_running_loop().run_in_executor(None, process.start)
            try:
                await asyncio.shield(starting)
                await _ended(process)
            finally:
                await starting  # when cancelled while starting, the child exists only once this returns
                if process.exitcode is None:  # cancelled: the request is over, so is its work
                    process.kill()
                    await _ended(process)
                process.join()  # at once: the process has ended
            if process.exitcode != 0 or not result.exists():
                raise AnalysisCrashed(f"the analysis process ended with exit code {process.exitcode} and no answer")
            kind, value = pickle.loads(result.read_bytes())
    if kind == "refused":
        message, status = value
        raise InputError(message, status=status)
    return value


async def _ended(process: multiprocessing.process.BaseProcess) -> None:
    """Wait, without blocking the loop, until `process` has ended."""
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(process.sentinel, lambda: ended.done() or ended.set_result(None))
    try:
        await ended
    finally:
        loop.remove_reader(process.sentinel)


def _child(result: Path, memory_bytes: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The child's whole life: cap its memory, run the work, leave the outcome in `result`."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.nice(BACKGROUND_NICENESS)  # the API's own requests come first when the cores are busy
    try:
        outcome: tuple[str, Any] = ("done", function(*args))
    except InputError as error:
        outcome = ("refused", (error.message, error.status))
    except MemoryError:
        outcome = ("refused", (
            "The code needs more memory to analyse than a request may use (it is very large, or nested so deeply "
            "that Python's parser gives up); send less code, or raise "
            "CODEXCONTINUE_DEVELOPER__MAX_ANALYSIS_MEMORY_BYTES.",
            413,
        ))  # fmt: skip
    result.write_bytes(pickle.dumps(outcome))
