"""How a person runs the `codexcontinue` command where this process runs, for messages that name one.

After the README's first command (`pip install hatch && hatch run serve`) the command lives only in
hatch's environment: a bare `codexcontinue keys list` in the user's shell is 'command not found',
and `hatch run codexcontinue keys list` (from the project folder) works. Hatch marks the processes it
starts with `HATCH_ENV_ACTIVE`, so a process started that way writes its hints in the hatch form; a
process installed with pip (a virtualenv, the containers) writes the bare command.
"""

from __future__ import annotations

import os
import re

HATCH_MARKER = "HATCH_ENV_ACTIVE"
_BARE_COMMAND = re.compile(r"(^|`)codexcontinue(?= )")  # in backticks, or the whole text


def started_by_hatch() -> bool:
    """Whether hatch started this process (`hatch run ...` or `hatch shell`)."""
    return bool(os.environ.get(HATCH_MARKER))


def command(arguments: str) -> str:
    """The command line that runs `codexcontinue <arguments>` for this user, e.g.
    'hatch run codexcontinue keys list' or 'codexcontinue keys list'."""
    prefix = "hatch run codexcontinue" if started_by_hatch() else "codexcontinue"
    return f"{prefix} {arguments}"


def with_runnable_commands(message: str) -> str:
    """`message` with every command written as `` `codexcontinue ...` `` (or a message that is one
    command) in the form that runs here."""
    if not started_by_hatch():
        return message
    return _BARE_COMMAND.sub(r"\1hatch run codexcontinue", message)
