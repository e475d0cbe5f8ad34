"""CPU-bound pack work off the event loop: a thread pool sized by a setting, stopped at checkpoints.

A route that parses, scans or scores text calls `await run_cpu_bound(function, *args)`. The work
runs in the loop's default executor, which the API and the worker size with
`CODEXCONTINUE_CPU_THREADS`, so `/healthz` and every other request keep being answered while it
runs. When the request is cancelled (its time limit fired, or the client left), the work is told
to stop: the next `checkpoint()` it passes raises `WorkCancelled`, and the thread is free again.

Long loops call `checkpoint()` every few thousand items (it costs a context-variable read);
outside `run_cpu_bound` it does nothing, so the same functions run unchanged in tests and jobs.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_STOP: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("codexcontinue_cpu_stop", default=None)


class WorkCancelled(Exception):
    """The request or job this work was for was cancelled; raised by `checkpoint()`."""


def default_cpu_threads() -> int:
    """The pool size when `CODEXCONTINUE_CPU_THREADS` is unset: the cores this process may use, 2 to 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(2, min(8, cores))


def install_cpu_pool(loop: asyncio.AbstractEventLoop, threads: int) -> ThreadPoolExecutor:
    """Make a pool of `threads` threads the loop's default executor; the caller shuts it down."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="codexcontinue-cpu")
    loop.set_default_executor(pool)
    return pool


def checkpoint() -> None:
    """Raise `WorkCancelled` when the work running in this thread has been cancelled."""
    stop = _STOP.get()
    if stop is not None and stop.is_set():
        raise WorkCancelled("The request was cancelled (time limit reached or client gone).")


async def run_cpu_bound(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `function(*args, **kwargs)` in the CPU pool and return its result.

    Cancelling the awaiting task (the request's time limit) makes the work's next `checkpoint()`
    raise, so an abandoned request does not keep a thread busy.
    """
    stop = threading.Event()
    context = contextvars.copy_context()
    context.run(_STOP.set, stop)
    call = functools.partial(context.run, function, *args, **kwargs)
    try:
        return await asyncio.get_running_loop().run_in_executor(None, call)
    except asyncio.CancelledError:
        stop.set()
        raise
