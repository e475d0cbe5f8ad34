"""Unpacking an uploaded zip or tar archive safely: limits first, nothing written outside its folder.

Every entry is checked before it is written: its name must stay inside the extraction folder (no
absolute paths, no `..`), the number of entries and the total unpacked size are capped, and an
archive or zip entry that unpacks to more than `max_ratio` times its packed size is refused as a
compression bomb. Links are never created: one pointing outside the archive refuses it, one
pointing inside is reported and not followed. Device files and pipes refuse it. Only Python
sources are written; other files are listed as ignored. Bytes are counted while they are written,
so a zip header that understates a size cannot get more through than the limits allow.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Literal, cast

from codexcontinue import InputError


PYTHON_SUFFIXES = frozenset({".py", ".pyi"})
RATIO_FLOOR_BYTES = 1024 * 1024
"""The compression-ratio check applies only past this many unpacked bytes (small files compress well)."""
CHUNK = 64 * 1024
MAX_LINK_TARGET = 4096
DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold: entries, unpacked bytes, and unpacked-to-packed ratio."""

    max_entries: int
    max_unpacked_bytes: int
    max_ratio: float


@dataclass
class Unpacked:
    """What unpacking wrote and what it left out, as paths relative to the extraction folder."""

    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    """One archive member as the checks see it, whatever the archive format."""

    name: str
    kind: Literal["file", "dir", "link", "special"]
    size: int
    packed_size: int | None
    link_target: str | None
    open: Callable[[], IO[bytes]] | None
    link_from_root: bool = False


def archive_kind(content: bytes) -> Literal["zip", "tar"] | None:
    """'zip' or 'tar' (plain, gzip, bzip2 or xz) when `content` is such an archive, else None."""
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            archive.next()
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        return None
    return "tar"


def unpack_archive(name: str, content: bytes, destination: Path, limits: ArchiveLimits) -> Unpacked:
    """Write the Python sources of archive `content` into the empty folder `destination`.

    Raises `InputError`: 413 when the archive breaks a limit, 422 when an entry would leave the
    folder, is a device or pipe, is encrypted, or the archive cannot be read.
    """
    kind = archive_kind(content)
    if kind is None:
        raise InputError(f"'{name}' is not a zip or tar archive.", status=415)
    entries = _zip_entries(name, content) if kind == "zip" else _tar_entries(name, content)
    root = destination.resolve()
    unpacked = Unpacked()
    count = total = written = 0
    try:
        for entry in entries:
            count += 1
            if count > limits.max_entries:
                raise InputError(
                    f"'{name}' has more than {limits.max_entries} entries; upload a smaller archive (only the "
                    "package's sources), or raise CODEXCONTINUE_DEVELOPER__MAX_ARCHIVE_ENTRIES.",
                    status=413,
                )
            relative = _inside_name(name, entry.name)
            if entry.kind == "special":
                raise InputError(
                    f"'{name}' holds '{entry.name}', a device file or pipe; archives may hold only files, "
                    "folders and links."
                )
            if entry.kind == "link":
                unpacked.links.append(f"{relative} -> {_inside_link_target(name, relative, entry)}")
                continue
            if entry.kind == "dir":
                _make_folder(name, root, relative)
                continue
            total += entry.size
            _check_size(name, entry, total, len(content), limits)
            if PurePosixPath(relative).suffix not in PYTHON_SUFFIXES:
                unpacked.ignored.append(relative)
                continue
            written += _write_file(name, root, relative, entry, limits.max_unpacked_bytes - written)
            unpacked.files.append(relative)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise InputError(f"'{name}' could not be read as an archive ({error}); upload it again.") from None
    except NotImplementedError as error:  # e.g. a zip compression method Python cannot read
        raise InputError(f"'{name}' uses a compression this server cannot read ({error}); use deflate.") from None
    return unpacked


def _zip_entries(name: str, content: bytes) -> Iterator[_Entry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"'{name}' could not be read as a zip archive ({error}); upload it again.") from None
    with archive:
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                raise InputError(
                    f"'{name}' is encrypted ('{info.filename}'); upload an archive without a password."
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                with archive.open(info) as link:
                    target = link.read(MAX_LINK_TARGET).decode("utf-8", "replace")
                yield _Entry(info.filename, "link", 0, info.compress_size, target, None)
            elif info.is_dir():
                yield _Entry(info.filename, "dir", 0, 0, None, None)
            elif stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # zips made on Windows carry no file type
                yield _Entry(info.filename, "special", 0, 0, None, None)
            else:
                yield _Entry(
                    info.filename, "file", info.file_size, info.compress_size, None, lambda i=info: archive.open(i)
                )


def _tar_entries(name: str, content: bytes) -> Iterator[_Entry]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
        for member in archive:  # one header at a time, so a refusal stops before the rest is decompressed
            if member.issym():
                yield _Entry(member.name, "link", 0, None, member.linkname, None)
            elif member.islnk():  # a hard link names its target from the archive's root
                yield _Entry(member.name, "link", 0, None, member.linkname, None, link_from_root=True)
            elif member.isdir():
                yield _Entry(member.name, "dir", 0, None, None, None)
            elif member.isreg():
                yield _Entry(member.name, "file", member.size, None, None, lambda m=member: archive.extractfile(m))
            else:
                yield _Entry(member.name, "special", 0, None, None, None)


def _inside_name(archive: str, entry_name: str) -> str:
    """The entry's path relative to the extraction folder; `InputError` when it would leave it."""
    cleaned = entry_name.replace("\\", "/")
    parts = [part for part in cleaned.split("/") if part not in ("", ".")]
    if "\x00" in cleaned or cleaned.startswith("/") or DRIVE.match(cleaned) or ".." in parts:
        raise InputError(
            f"'{archive}' holds '{entry_name}', a path that points outside the archive's folder; the archive "
            "was refused. Re-create it from inside the project folder."
        )
    if not parts:
        raise InputError(f"'{archive}' holds an entry with an empty name ('{entry_name}'); re-create the archive.")
    return "/".join(parts)


def _inside_link_target(archive: str, relative: str, entry: _Entry) -> str:
    """A link's target relative to the extraction folder; `InputError` when it points outside it."""
    target = (entry.link_target or "").replace("\\", "/")
    outside = target.startswith("/") or bool(DRIVE.match(target)) or "\x00" in target
    resolved = ""
    if not outside:
        base = "" if entry.link_from_root else posixpath.dirname(relative)
        resolved = posixpath.normpath(posixpath.join(base, target))
        outside = resolved == ".." or resolved.startswith("../")
    if outside:
        raise InputError(
            f"'{archive}' holds a link '{entry.name}' -> '{entry.link_target}' that points outside the archive's "
            "folder; the archive was refused. Replace the link with the file itself."
        )
    return resolved


def _check_size(archive: str, entry: _Entry, total: int, packed_total: int, limits: ArchiveLimits) -> None:
    if total > limits.max_unpacked_bytes:
        raise InputError(
            f"'{archive}' unpacks to more than {_mib(limits.max_unpacked_bytes)}; upload only the package's "
            "sources, or raise CODEXCONTINUE_DEVELOPER__MAX_UNPACKED_BYTES.",
            status=413,
        )
    entry_ratio = entry.size / max(entry.packed_size or 0, 1) if entry.packed_size is not None else 0
    archive_ratio = total / max(packed_total, 1)
    if (entry.size > RATIO_FLOOR_BYTES and entry_ratio > limits.max_ratio) or (
        total > RATIO_FLOOR_BYTES and archive_ratio > limits.max_ratio
    ):
        ratio = max(entry_ratio, archive_ratio)
        raise InputError(
            f"'{archive}' looks like a compression bomb: '{entry.name}' brings it to {ratio:.0f} times its packed "
            f"size (the limit is {limits.max_ratio:.0f}); upload the sources without padding, or raise "
            "CODEXCONTINUE_DEVELOPER__MAX_COMPRESSION_RATIO.",
            status=413,
        )


def _make_folder(archive: str, root: Path, relative: str) -> None:
    try:
        _target(archive, root, relative).mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"'{archive}' holds '{relative}' both as a file and as a folder; re-create it.") from None
    except OSError as error:
        raise InputError(f"'{archive}': '{relative}' could not be unpacked ({error.strerror}); rename it.") from None


def _write_file(archive: str, root: Path, relative: str, entry: _Entry, budget: int) -> int:
    """Copy the entry's bytes to its place, counting them; returns how many were written."""
    target = _target(archive, root, relative)
    if "/" in relative:
        _make_folder(archive, root, posixpath.dirname(relative))
    allowed = min(entry.size, budget)
    written = 0
    try:
        opener = cast(Callable[[], IO[bytes]], entry.open)  # set for every file entry
        with opener() as source, target.open("xb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > allowed:
                    raise InputError(
                        f"'{archive}': '{entry.name}' unpacks to more bytes than its header says, or past the "
                        "size limit; the archive was refused.",
                        status=413,
                    )
                sink.write(chunk)
    except FileExistsError:
        raise InputError(f"'{archive}' holds '{relative}' more than once; re-create the archive.") from None
    except (IsADirectoryError, NotADirectoryError):
        raise InputError(f"'{archive}' holds '{relative}' both as a file and as a folder; re-create it.") from None
    except OSError as error:
        if error.errno is None:  # a damaged gzip stream, not the file system
            raise
        raise InputError(f"'{archive}': '{relative}' could not be unpacked ({error.strerror}); rename it.") from None
    return written


def _target(archive: str, root: Path, relative: str) -> Path:
    """`root / relative`, checked once more to lie inside `root` after resolving."""
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        raise InputError(f"'{archive}' holds '{relative}', which points outside the archive's folder; refused.")
    return target


def _mib(size: int) -> str:
    return f"{size / 1_048_576:.1f} MiB ({size} bytes)"
