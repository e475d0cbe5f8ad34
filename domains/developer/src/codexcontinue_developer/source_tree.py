"""Where the code to analyse lives: an upload or pasted code in a temporary folder, or a local path.

Uploads and pasted code are written only inside a fresh temporary folder that is removed when the
`with` block ends, whatever happens inside it. User code is only ever read, never imported or run.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from codexcontinue import InputError

from .archives import PYTHON_SUFFIXES, ArchiveLimits, archive_kind, unpack_archive
from .isolation import run_isolated
from .settings import DeveloperSettings

MODULE_FILE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*\.pyi?$")
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})
ACCEPTED_UPLOADS = "a .zip, .tar.gz (.tgz) or .tar archive, or a single .py file"


@dataclass
class SourceTree:
    """Python sources under `root`: the files to read (relative POSIX paths) and what was left out."""

    label: str
    root: Path
    files: list[str]
    ignored: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def path(self, relative: str) -> Path:
        """The absolute path of one of `files`."""
        return self.root / relative

    def read(self, relative: str) -> str:
        """The text of one of `files` (UTF-8); `InputError` when it is not UTF-8."""
        try:
            return self.path(relative).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"'{relative}' is not UTF-8 text; save it as UTF-8.") from None


def archive_limits(settings: DeveloperSettings) -> ArchiveLimits:
    """The archive limits the settings give."""
    return ArchiveLimits(
        max_entries=settings.max_archive_entries,
        max_unpacked_bytes=settings.max_unpacked_bytes,
        max_ratio=settings.max_compression_ratio,
    )


@contextmanager
def uploaded_tree(filename: str, content: bytes, settings: DeveloperSettings) -> Iterator[SourceTree]:
    """An uploaded archive (zip, tar, tar.gz) or single Python file, unpacked in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="codexcontinue-developer-") as scratch:
        yield _unpack_upload(filename, content, Path(scratch), settings)


@asynccontextmanager
async def unpacked_upload(filename: str, content: bytes, settings: DeveloperSettings) -> AsyncIterator[SourceTree]:
    """`uploaded_tree` for a route: the archive is read and unpacked in a child process
    (`run_isolated`), off the event loop, with its memory capped, and killed if the request ends.

    Python's tarfile reads some headers whole before any limit can be checked (a GNU long-name
    header may claim gigabytes, which gzip packs into a few kilobytes): in the API process that
    would be its memory; in the child it is a 413.
    """
    with tempfile.TemporaryDirectory(prefix="codexcontinue-developer-") as scratch:
        yield await run_isolated(
            _unpack_upload, filename, content, Path(scratch), settings,
            memory_bytes=settings.max_analysis_memory_bytes, processes=settings.max_analysis_processes,
        )  # fmt: skip


def _unpack_upload(filename: str, content: bytes, root: Path, settings: DeveloperSettings) -> SourceTree:
    """Write the upload's Python sources into the empty folder `root`; the tree they make."""
    try:
        return _unpacked(filename, content, root, settings)
    except MemoryError:
        raise InputError(
            f"'{filename}' needs more memory to unpack than a request may use (its headers or entries unpack to "
            "far more than it holds: a compression bomb); upload the sources as they are.",
            status=413,
        ) from None


def _unpacked(filename: str, content: bytes, root: Path, settings: DeveloperSettings) -> SourceTree:
    if not content:
        raise InputError(f"'{filename}' is empty; upload {ACCEPTED_UPLOADS}.")
    if len(content) > settings.max_upload_bytes:
        raise InputError(too_large(filename, settings), status=413)
    if archive_kind(content) is not None:
        unpacked = unpack_archive(filename, content, root, archive_limits(settings))
        tree = SourceTree(filename, root, sorted(unpacked.files), unpacked.ignored, unpacked.links)
    elif PurePosixPath(filename).suffix in PYTHON_SUFFIXES:
        name = _module_file_name(PurePosixPath(filename.replace("\\", "/")).name)
        (root / name).write_bytes(content)
        tree = SourceTree(filename, root, [name])
    else:
        raise InputError(
            f"'{filename}' is not an archive or a Python file; upload {ACCEPTED_UPLOADS}.", status=415
        )
    if not tree.files:
        raise InputError(
            f"'{filename}' holds no Python files (.py or .pyi); upload the package's sources."
            + (f" It holds {len(tree.ignored)} other file(s), e.g. '{tree.ignored[0]}'." if tree.ignored else "")
        )
    return tree


@contextmanager
def pasted_tree(filename: str, code: str, settings: DeveloperSettings) -> Iterator[SourceTree]:
    """Pasted code saved as `filename` in a temporary folder."""
    content = code.encode("utf-8")
    if len(content) > settings.max_upload_bytes:
        raise InputError(too_large("The code", settings), status=413)
    name = _module_file_name(filename)
    with tempfile.TemporaryDirectory(prefix="codexcontinue-developer-") as scratch:
        root = Path(scratch)
        (root / name).write_bytes(content)
        yield SourceTree(name, root, [name])


@contextmanager
def local_tree(path: Path, settings: DeveloperSettings) -> Iterator[SourceTree]:
    """A folder, a Python file or an archive on this machine (for the command line).

    A package's folder (one with `__init__.py`) is read from its parent, so its name is part of its paths.
    """
    if path.is_dir():
        files, skipped = _python_files_under(path)
        notes = [f"Skipped folders: {', '.join(skipped)}."] if skipped else []
        if not files:
            raise InputError(f"{path} holds no Python files (.py or .pyi).")
        if (path / "__init__.py").is_file():
            root = path.resolve().parent
            files = [f"{path.resolve().name}/{file}" for file in files]
        else:
            root = path
        yield SourceTree(str(path), root, files, notes=notes)
    elif path.suffix in PYTHON_SUFFIXES and path.is_file():
        yield SourceTree(str(path), path.parent, [path.name])
    elif path.is_file():
        with uploaded_tree(path.name, path.read_bytes(), settings) as tree:
            yield tree
    else:
        raise InputError(f"{path} does not exist; give a folder, a .py file or an archive.")


def too_large(what: str, settings: DeveloperSettings) -> str:
    """The message for an upload over the size limit."""
    limit = settings.max_upload_bytes
    return (
        f"{what} is larger than the limit of {limit / 1_048_576:.1f} MiB ({limit} bytes); send less, or raise "
        "CODEXCONTINUE_DEVELOPER__MAX_UPLOAD_BYTES."
    )


def _module_file_name(filename: str) -> str:
    if not MODULE_FILE_NAME.match(filename):
        raise InputError(
            f"'{filename}' is not a usable Python file name; use a plain name ending in .py, such as 'snippet.py'."
        )
    return filename


def _python_files_under(folder: Path) -> tuple[list[str], list[str]]:
    """Python files under `folder` (links not followed), and the folders skipped (hidden, caches, venvs)."""
    files: list[str] = []
    skipped: list[str] = []
    for current, folders, names in os.walk(folder):
        base = Path(current)
        for name in sorted(folders):
            if name.startswith(".") or name in SKIPPED_FOLDERS:
                skipped.append((base / name).relative_to(folder).as_posix())
                folders.remove(name)
        files.extend(
            (base / name).relative_to(folder).as_posix()
            for name in names
            if Path(name).suffix in PYTHON_SUFFIXES and not (base / name).is_symlink()
        )
    return sorted(files), skipped
