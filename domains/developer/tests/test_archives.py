"""Hostile archives are refused with the right 4xx, and nothing is written outside the extraction folder."""

from __future__ import annotations

import io
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from codexcontinue_developer.archives import ArchiveLimits, unpack_archive

from codexcontinue import InputError

ANALYSIS = "/api/v1/developer/analysis"
LIMITS = ArchiveLimits(max_entries=2000, max_unpacked_bytes=50 * 1024 * 1024, max_ratio=100)


def tar_of(*members: tuple[tarfile.TarInfo, bytes | None], compression: str = "gz") -> bytes:
    """A tar archive (gzip-compressed by default) holding the given members."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as archive:
        for info, content in members:
            archive.addfile(info, io.BytesIO(content) if content is not None else None)
    return buffer.getvalue()


def member(name: str, content: bytes = b"", kind: bytes = tarfile.REGTYPE, target: str = "") -> tuple:
    """A tar member: a file with `content`, or a link (SYMTYPE/LNKTYPE) to `target`, or a FIFO."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.size = len(content) if kind == tarfile.REGTYPE else 0
    return info, content if kind == tarfile.REGTYPE else None


def zip_link(name: str, target: str) -> zipfile.ZipInfo:
    """A zip entry that unzip tools create as a symbolic link to `target`."""
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def zip_with_link(name: str, target: str, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zip_link(name, target), target)
        for entry, content in extra.items():
            archive.writestr(entry, content)
    return buffer.getvalue()


def zeros_zip(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("pkg/__init__.py", b"")
        archive.writestr("pkg/bomb.py", b"\0" * size)
    return buffer.getvalue()


def upload(client, name: str, content: bytes):  # noqa: ANN001, ANN201 - a TestClient; its response
    return client.post(ANALYSIS, files={"file": (name, content, "application/octet-stream")})


def written_around(tmp_path: Path, scratch: Path) -> list[str]:
    """Every file under tmp_path outside the scratch folder, and anything left inside it."""
    return sorted(
        path.relative_to(tmp_path).as_posix()
        for path in tmp_path.rglob("*")
        if path.is_file() and scratch not in path.parents and path.name != "scratch"
        and "data" not in path.relative_to(tmp_path).parts
    ) + sorted(path.name for path in scratch.iterdir())  # fmt: skip


HOSTILE = {
    "zip traversal": (
        "evil.zip",
        lambda make_zip: make_zip({"pkg/ok.py": b"x = 1\n", "../../escaped.py": b"owned = True\n"}),
        422,
        "points outside the archive's folder",
    ),
    "zip absolute path": (
        "evil.zip",
        lambda make_zip: make_zip({"/tmp/absolute.py": b"owned = True\n"}),
        422,
        "points outside",
    ),
    "zip backslash traversal": (
        "evil.zip",
        lambda make_zip: make_zip({"..\\..\\escaped.py": b"owned = True\n"}),
        422,
        "points outside",
    ),
    "tar.gz traversal": (
        "evil.tar.gz",
        lambda _: tar_of(member("pkg/ok.py", b"x = 1\n"), member("../escaped.py", b"owned = 1\n")),
        422,
        "points outside the archive's folder",
    ),
    "tar.gz symlink out, then a file through it": (
        "evil.tgz",
        lambda _: tar_of(
            member("pkg/etc", kind=tarfile.SYMTYPE, target="/etc"), member("pkg/etc/owned.py", b"owned = 1\n")
        ),
        422,
        "link 'pkg/etc' -> '/etc' that points outside",
    ),
    "tar.gz relative symlink out": (
        "evil.tgz",
        lambda _: tar_of(member("pkg/up", kind=tarfile.SYMTYPE, target="../../..")),
        422,
        "points outside the archive's folder",
    ),
    "tar.gz hard link out": (
        "evil.tgz",
        lambda _: tar_of(member("pkg/passwd.py", kind=tarfile.LNKTYPE, target="/etc/passwd")),
        422,
        "points outside",
    ),
    "zip symlink out": (
        "evil.zip",
        lambda _: zip_with_link("pkg/secrets.py", "../../../etc/passwd", {"pkg/a.py": b"x = 1\n"}),
        422,
        "points outside",
    ),
    "tar.gz device (FIFO)": (
        "evil.tgz",
        lambda _: tar_of(member("pkg/pipe.py", kind=tarfile.FIFOTYPE)),
        422,
        "a device file or pipe",
    ),
    "zip compression bomb": (
        "bomb.zip",
        lambda _: zeros_zip(20 * 1024 * 1024),
        413,
        "looks like a compression bomb",
    ),
    "tar.gz compression bomb": (
        "bomb.tar.gz",
        lambda _: tar_of(member("pkg/bomb.py", b"\0" * (20 * 1024 * 1024))),
        413,
        "looks like a compression bomb",
    ),
    "zip unpacking past the size limit": (
        "huge.zip",
        lambda _: zeros_zip(60 * 1024 * 1024),
        413,
        "unpacks to more than 50.0 MiB",
    ),
    "zip with too many files": (
        "many.zip",
        lambda make_zip: make_zip({f"pkg/m{index}.py": b"" for index in range(2001)}),
        413,
        "has more than 2000 entries",
    ),
    "tar.gz with too many files": (
        "many.tgz",
        lambda _: tar_of(*(member(f"pkg/m{index}.py") for index in range(2001))),
        413,
        "has more than 2000 entries",
    ),
    "not an archive": (
        "data.bin",
        lambda _: b"\x89PNG\r\n\x1a\n" + bytes(100),
        415,
        "not an archive or a Python file",
    ),
    "a damaged zip": ("broken.zip", lambda make_zip: make_zip({"a.py": b"x = 1\n" * 100})[:-30], 422, "could not"),
    "a truncated tar.gz": (
        "cut.tgz", lambda _: tar_of(member("pkg/a.py", bytes(range(256)) * 4000))[:2000], 422, "could not be read",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_archive_is_refused_and_nothing_is_written_outside(
    pack_client, make_zip, scratch_tmp, tmp_path, case
):
    name, build, status, message = HOSTILE[case]
    response = upload(pack_client, name, build(make_zip))
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert written_around(tmp_path, scratch_tmp) == []  # nothing escaped, and the extraction folder is gone


def test_a_link_inside_the_archive_is_reported_and_not_followed(pack_client, scratch_tmp, tmp_path):
    archive = tar_of(member("pkg/real.py", b"def f():\n    return 1\n"),
                     member("pkg/alias.py", kind=tarfile.SYMTYPE, target="real.py"))  # fmt: skip
    response = upload(pack_client, "pkg.tar.gz", archive)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["links"] == ["pkg/alias.py -> pkg/real.py"]
    assert [file["path"] for file in report["files"]] == ["pkg/real.py"]
    assert written_around(tmp_path, scratch_tmp) == []  # the extraction folder was removed afterwards


def test_an_upload_over_the_size_limit_is_refused_before_unpacking(client_with, make_zip):
    client = client_with(MAX_UPLOAD_BYTES="1000")
    response = upload(client, "big.zip", make_zip({f"pkg/m{index}.py": bytes(200) for index in range(20)}))
    assert response.status_code == 413
    assert "CODEXCONTINUE_DEVELOPER__MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_an_archive_without_python_files_says_so(pack_client, make_zip):
    response = upload(pack_client, "docs.zip", make_zip({"docs/index.md": b"# Docs\n"}))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "'docs.zip' holds no Python files (.py or .pyi); upload the package's sources. "
        "It holds 1 other file(s), e.g. 'docs/index.md'."
    )


@pytest.mark.parametrize("name", ["../a.py", "a/../../b.py", "/etc/x.py", "C:/Windows/x.py", "a\\..\\..\\b.py"])
def test_unpack_refuses_names_that_leave_the_folder(tmp_path, make_zip, name):
    destination = tmp_path / "out"
    destination.mkdir()
    with pytest.raises(InputError, match="outside the archive's folder") as refused:
        unpack_archive("x.zip", make_zip({name: b"x = 1\n"}), destination, LIMITS)
    assert refused.value.status == 422
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_unpack_keeps_python_files_and_lists_the_rest(tmp_path, make_zip):
    unpacked = unpack_archive(
        "x.zip", make_zip({"./pkg/a.py": b"a = 1\n", "pkg/sub/b.pyi": b"b: int\n", "pkg/data.json": b"{}"}),
        tmp_path, LIMITS,
    )  # fmt: skip
    assert (unpacked.files, unpacked.ignored) == (["pkg/a.py", "pkg/sub/b.pyi"], ["pkg/data.json"])
    assert (tmp_path / "pkg" / "sub" / "b.pyi").read_text() == "b: int\n"
    assert not (tmp_path / "pkg" / "data.json").exists()


def test_unpack_refuses_an_entry_twice(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.py", b"x = 1\n")
        archive.writestr("a.py", b"x = 2\n")
    with pytest.raises(InputError, match="more than once"):
        unpack_archive("twice.zip", buffer.getvalue(), tmp_path, LIMITS)


def test_a_zip_entry_larger_than_its_header_says_gets_no_more_through(tmp_path, make_zip):
    content = bytearray(make_zip({"a.py": b"x = 1\n" * 200_000}))
    struct.pack_into("<I", content, 22, 100)  # the local header's uncompressed size
    struct.pack_into("<I", content, content.find(b"PK\x01\x02") + 24, 100)  # and the central directory's
    with pytest.raises(InputError, match="could not be read as an archive") as refused:
        unpack_archive("lie.zip", bytes(content), tmp_path, LIMITS)
    assert refused.value.status == 422
    assert all(path.stat().st_size <= 100 for path in tmp_path.rglob("*.py"))
