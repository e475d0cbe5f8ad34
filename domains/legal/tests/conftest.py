"""Fixtures for the legal pack's tests: test data, a real redis-server, API keys for the pack."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from pytest_redis import factories

DATA = Path(__file__).parent / "data"

redis_proc = factories.redis_proc(port=None)


def _text_pdf(text: str, lines_per_page: int = 60) -> bytes:
    """A text-based PDF (Helvetica, one line per 95 characters) holding `text`."""
    lines = []
    for paragraph in text.splitlines():
        while len(paragraph) > 95:
            cut = paragraph.rfind(" ", 0, 95) if " " in paragraph[:95] else 95
            lines.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        lines.append(paragraph)
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    streams = []
    for page in pages:
        shown = " T* ".join(f"({_pdf_string(line)}) Tj" for line in page)
        streams.append(f"BT /F1 9 Tf 11 TL 40 800 Td {shown} ET".encode("latin-1", "replace"))
    return _pdf_document(
        streams,
        resources="/Font << /F1 3 0 R >>",
        extra=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"],
    )


def _scanned_pdf() -> bytes:
    """A PDF whose only page is an image: no text layer."""
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    return _pdf_document([b"q 500 0 0 700 40 60 cm /Im1 Do Q"], resources="/XObject << /Im1 3 0 R >>", extra=[image])


def _pdf_string(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf_document(streams: list[bytes], resources: str, extra: list[bytes], filters: str = "") -> bytes:
    """A minimal PDF: one page per content stream (`filters` such as '/Filter /FlateDecode' applies to all)."""
    first_page = 3 + len(extra)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(streams)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(streams)} >>".encode(),
    ]
    objects += extra
    for i, stream in enumerate(streams):
        page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << {resources} >> /Contents {first_page + 2 * i + 1} 0 R >>"
        head = f"<< /Length {len(stream)} {filters} >>\nstream\n".encode()
        objects += [page.encode(), head + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _word_document(text: str) -> bytes:
    """A .docx with one paragraph per line of `text`."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def documents() -> SimpleNamespace:
    """Builders of test documents: `text_pdf(text)`, `scanned_pdf()`, `pdf_document(streams, resources,
    extra, filters)`, `word_document(text)`."""
    return SimpleNamespace(
        text_pdf=_text_pdf, scanned_pdf=_scanned_pdf, pdf_document=_pdf_document, word_document=_word_document
    )


@pytest.fixture
def legal_redis_url(redis_proc) -> Iterator[str]:  # noqa: ANN001 - pytest-redis's executor
    """URL of a real redis-server on loopback, flushed for each test."""
    import redis

    url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
    yield url


@pytest.fixture
def opinion() -> Callable[[str], str]:
    """`opinion("faulkingham")` -> the text of tests/data/opinions/faulkingham.txt."""
    return lambda name: (DATA / "opinions" / f"{name}.txt").read_text(encoding="utf-8")


CUAD_CONTRACTS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cuad" / "contracts"
CUAD_FILES = {  # short name -> the contract's file in CUAD v1 (The Atticus Project, CC BY 4.0)
    "reseller_agreement": "HealthcareIntegratedTechnologiesInc_20190812_8-K_EX-10.1_11776966_EX-10.1_Reseller Agreement",
    "trademark_license_agreement": (
        "MorganStanleyDirectLendingFund_20191119_10-12GA_EX-10.5_11898508_EX-10.5_Trademark License Agreement"
    ),
    "maintenance_agreement": "UAGHINC_04_14_2004-EX-10.18-MAINTENANCE AGREEMENT",
}


@pytest.fixture
def cuad_contract() -> Callable[[str], str]:
    """`cuad_contract("reseller_agreement")` -> the text of that CUAD contract, read from
    ../shared/data/cuad (never copied into the repository); the test is skipped when it is absent."""

    def read(name: str) -> str:
        path = CUAD_CONTRACTS / f"{CUAD_FILES[name]}.txt"
        if not path.is_file():
            pytest.skip(f"{path} is absent (CUAD sits beside the repository in CI, never inside it)")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture
def services_agreement() -> str:
    """A plain services agreement written for these tests (about 760 words): renews automatically for a
    year unless notice of non-renewal is given ninety (90) days before the term ends; liability capped at
    the fees of the last twelve months; parties 'Northwind Analytics, Inc.' and 'Contoso Health Partners, LLC'."""
    return (DATA / "services_agreement.txt").read_text(encoding="utf-8")


UNCAPPED_EXCEPTION = (
    "The limitations in this Section 8 shall not apply to a Party's indemnification obligations, to its breach of "
    "Section 5 (Confidentiality), or to its gross negligence or willful misconduct."
)


@pytest.fixture
def uncapped_agreement(services_agreement: str) -> str:
    """The services agreement with a sentence that excepts claims from its limitation of liability."""
    return services_agreement.replace(
        "even if advised of their possibility.", "even if advised of their possibility. " + UNCAPPED_EXCEPTION
    )


@pytest.fixture
def legal_headers(make_api_key) -> dict[str, str]:  # noqa: ANN001 - the testing kit's fixture
    """Headers of a key that may read and write the legal pack."""
    return make_api_key("legal:read", "legal:write", name="legal-test")


@pytest.fixture
def pack_name() -> str:
    """The pack the testing kit's fixtures (pack_app, pack_client, run_page) enable."""
    return "legal"
