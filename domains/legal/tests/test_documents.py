"""Hostile uploads: a .docx bomb, a PDF bomb and damaged files get a 4xx naming the file, and memory
stays bounded while they are refused."""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import pytest

REVIEW = "/api/v1/legal/contracts/review"
BLOCK = 1 << 20
MEMORY_ALLOWANCE = 200 * 1024 * 1024


def zeros_stream(total: int, *, raw: bool) -> bytes:
    """A deflate stream (raw, or zlib-wrapped with its checksum) that unpacks to `total` zero bytes, built
    from one compressed block repeated: about 1 KiB per MiB, without compressing the whole."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    head = compressor.compress(b"")
    block = compressor.compress(bytes(BLOCK)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = head + block * (total // BLOCK) + b"\x03\x00"  # an empty final block ends it
    if raw:
        return stream
    adler = 1
    for _ in range(total // BLOCK):
        adler = zlib.adler32(bytes(BLOCK), adler)
    return stream + struct.pack(">I", adler)


def zip_with(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip written by hand: name -> (deflated data, unpacked size, CRC-32)."""
    local, central, offset = b"", b"", 0
    for name, (data, size, crc) in members.items():
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset
        ) + encoded
        local += header + encoded + data
        offset += len(header) + len(encoded) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), offset, 0)
    return local + central + end


def docx_bomb(unpacked: int = 2 << 30) -> bytes:
    """A .docx whose word/document.xml unpacks to `unpacked` bytes (2 GiB) from about 2 MiB."""
    crc = 0
    for _ in range(unpacked // BLOCK):
        crc = zlib.crc32(bytes(BLOCK), crc)
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    deflated_types = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_types = deflated_types.compress(types) + deflated_types.flush()
    return zip_with({
        "[Content_Types].xml": (packed_types, len(types), zlib.crc32(types)),
        "word/document.xml": (zeros_stream(unpacked, raw=True), unpacked, crc),
    })  # fmt: skip


def pdf_bomb(documents, unpacked: int = 512 << 20) -> bytes:  # noqa: ANN001 - the documents fixture
    """A PDF whose one page's content stream unpacks to `unpacked` bytes (512 MiB)."""
    return documents.pdf_document([zeros_stream(unpacked, raw=False)], resources="", extra=[], filters="/Filter /FlateDecode")


@contextmanager
def peak_memory() -> Iterator[dict[str, int]]:
    """Sample this process's resident memory every 10 ms while the block runs; `result['growth']` is the
    peak above where it started."""
    process = psutil.Process()
    start = process.memory_info().rss
    result = {"peak": start}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            result["peak"] = max(result["peak"], process.memory_info().rss)
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        done.set()
        sampler.join()
        result["growth"] = result["peak"] - start


def test_a_docx_bomb_is_refused_before_it_is_unpacked(api_client, legal_headers):
    bomb = docx_bomb()
    assert len(bomb) < 4 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2 << 30
    with peak_memory() as memory:
        response = api_client.post(REVIEW, files={"file": ("bomb.docx", bomb)}, headers=legal_headers)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("'bomb.docx' unpacks to more than 64 MiB")
    assert memory["growth"] < MEMORY_ALLOWANCE, f"memory grew {memory['growth'] / 2**20:.0f} MiB"


def test_a_docx_member_packed_too_tightly_is_refused_as_a_bomb(api_client, legal_headers):
    bomb = zip_with({"word/document.xml": (zeros_stream(32 << 20, raw=True), 32 << 20, 0)})
    response = api_client.post(REVIEW, files={"file": ("tight.docx", bomb)}, headers=legal_headers)
    assert response.status_code == 413
    assert "'tight.docx' looks like a compression bomb: 'word/document.xml' unpacks to" in response.json()["detail"]


def test_a_pdf_bomb_is_refused_at_the_stream_limit(api_client, legal_headers, documents):
    bomb = pdf_bomb(documents)
    assert len(bomb) < 4 * 1024 * 1024
    with peak_memory() as memory:
        response = api_client.post(REVIEW, files={"file": ("bomb.pdf", bomb)}, headers=legal_headers)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("'bomb.pdf' has a compressed stream that unpacks past 16 MiB")
    assert memory["growth"] < MEMORY_ALLOWANCE, f"memory grew {memory['growth'] / 2**20:.0f} MiB"


@pytest.mark.parametrize(
    "filename, content, status, start",
    [
        ("broken.docx", "truncated docx", 422, "'broken.docx' could not be read as a .docx document"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 9 0 R >>\n%%EOF", 422,
         "'broken.pdf' could not be read as a PDF"),
        ("xml.docx", zip_with({"word/document.xml": (zlib.compress(b"<w:document>&unclosed;")[2:-4], 22, zlib.crc32(b"<w:document>&unclosed;"))}),
         422, "'xml.docx' could not be read as a .docx document"),
        ("archive.docx", zip_with({"notes.txt": (zlib.compress(b"hi")[2:-4], 2, zlib.crc32(b"hi"))}), 415,
         "'archive.docx' is a ZIP file but not a Word .docx document"),
    ],
)  # fmt: skip
def test_damaged_files_get_a_4xx_that_names_them(api_client, legal_headers, documents, filename, content, status, start):
    if content == "truncated docx":
        content = documents.word_document("This Agreement is made between the parties.")[:-200]
    response = api_client.post(REVIEW, files={"file": (filename, content)}, headers=legal_headers)
    assert response.status_code == status, response.text
    assert response.json()["detail"].startswith(start)
