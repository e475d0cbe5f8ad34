"""Contract review of real CUAD contracts (tests/data/cuad, CC BY 4.0), as text, .docx and PDF."""

from __future__ import annotations

import io

import docx
import pytest
from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app

REVIEW = "/api/v1/legal/contracts/review"


def text_pdf(text: str, lines_per_page: int = 60) -> bytes:
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
    return _pdf(
        streams,
        resources="/Font << /F1 3 0 R >>",
        extra=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"],
    )


def scanned_pdf() -> bytes:
    """A PDF whose only page is an image: no text layer."""
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    return _pdf([b"q 500 0 0 700 40 60 cm /Im1 Do Q"], resources="/XObject << /Im1 3 0 R >>", extra=[image])


def _pdf_string(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(streams: list[bytes], resources: str, extra: list[bytes]) -> bytes:
    first_page = 3 + len(extra)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(streams)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(streams)} >>".encode(),
    ]
    objects += extra
    for i, stream in enumerate(streams):
        page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << {resources} >> /Contents {first_page + 2 * i + 1} 0 R >>"
        objects += [page.encode(), b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
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


def word_document(text: str) -> bytes:
    """A .docx with one paragraph per line of `text`."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def review_text(api_client, headers, text: str) -> dict:
    response = api_client.post(
        "/api/v1/legal/contracts/review-text", json={"name": "c.txt", "text": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_auto_renewing_reseller_agreement_is_flagged_for_its_long_notice(
    api_client, legal_headers, cuad_contract
):
    text = cuad_contract("reseller_agreement")
    review = review_text(api_client, legal_headers, text)
    assert {"Parties", "Agreement Date", "Renewal Term", "Notice Period To Terminate Renewal", "Governing Law",
            "Termination For Convenience", "Anti-Assignment", "Cap On Liability", "License Grant"} <= set(review["categories_found"])  # fmt: skip
    assert "Non-Compete" in review["categories_missing"]
    values = review["values"]
    assert values["governing_law"] == "New York"
    assert values["agreement_date"] == "2019-07-31"
    assert (values["auto_renewal"], values["renewal_term"], values["notice_period_days"]) == (
        True,
        "1 year",
        90,
    )
    assert values["parties"] == ["Supplier", "Reseller"]
    [risk] = review["risks"]
    assert (risk["kind"], risk["severity"]) == ("auto_renewal_long_notice", "high")
    assert "90 days' notice" in risk["message"]


def test_findings_say_where_the_clause_is(api_client, legal_headers, cuad_contract):
    text = cuad_contract("reseller_agreement")
    review = review_text(api_client, legal_headers, text)
    [law] = [f for f in review["findings"] if f["category"] == "Governing Law"]
    assert text[law["start"] : law["end"]] == law["text"]
    assert law["text"].startswith("This Agreement shall be governed by the laws of the State of New York")
    clause = review["clauses"][law["clause"]]
    assert clause["start"] <= law["start"] < clause["end"] and "Governing Law" in clause["categories"]
    assert law["source"] == "detector" and law["confidence"] > 0.5


def test_uncapped_liability_and_one_sided_termination_are_flagged(api_client, legal_headers, cuad_contract):
    review = review_text(api_client, legal_headers, cuad_contract("trademark_license_agreement"))
    assert {"Uncapped Liability", "Ip Ownership Assignment", "License Grant"} <= set(
        review["categories_found"]
    )
    kinds = {risk["kind"]: risk for risk in review["risks"]}
    assert kinds["uncapped_liability"]["severity"] == "high"
    assert "Licensor may terminate" in kinds["one_sided_termination"]["message"]
    assert review["values"]["governing_law"] == "New York"
    assert review["values"]["initial_term"] == "perpetual"


def test_mutual_termination_and_short_notice_raise_no_risk(api_client, legal_headers, cuad_contract):
    review = review_text(api_client, legal_headers, cuad_contract("maintenance_agreement"))
    assert review["risks"] == []
    values = review["values"]
    assert (values["governing_law"], values["effective_date"], values["initial_term"]) == (
        "Delaware",
        "2003-07-23",
        "five (5) years",
    )
    assert (values["renewal_term"], values["notice_period_days"]) == ("1 month", 30)


@pytest.mark.parametrize(
    "make, filename",
    [(str.encode, "contract.txt"), (word_document, "contract.docx"), (text_pdf, "contract.pdf")],
)
def test_uploads_of_text_docx_and_pdf_are_reviewed_alike(
    api_client, legal_headers, cuad_contract, make, filename
):
    content = make(cuad_contract("maintenance_agreement"))
    response = api_client.post(REVIEW, files={"file": (filename, content)}, headers=legal_headers)
    assert response.status_code == 200, response.text
    review = response.json()
    assert review["name"] == filename
    assert review["values"]["governing_law"] == "Delaware"
    assert {"Governing Law", "Insurance", "Termination For Convenience", "Anti-Assignment"} <= set(
        review["categories_found"]
    )


def test_a_scanned_pdf_is_refused_because_it_has_no_text_layer(api_client, legal_headers):
    response = api_client.post(REVIEW, files={"file": ("scan.pdf", scanned_pdf())}, headers=legal_headers)
    assert response.status_code == 422
    assert "'scan.pdf' has no text layer" in response.json()["detail"]


def test_an_unsupported_file_type_is_refused_with_the_accepted_types(api_client, legal_headers):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
    response = api_client.post(REVIEW, files={"file": ("photo.png", png)}, headers=legal_headers)
    assert response.status_code == 415
    assert (
        response.json()["detail"]
        == "'photo.png' is not a supported file type; upload one of: .txt, .docx, .pdf."
    )


def test_an_upload_over_the_size_limit_is_refused_with_the_setting_to_raise(
    codexcontinue_settings, monkeypatch, cuad_contract
):
    monkeypatch.setenv("CODEXCONTINUE_LEGAL__MAX_UPLOAD_BYTES", "2000")
    app = create_app(codexcontinue_settings)
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "t", ["legal:write"])
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post(
            REVIEW,
            files={"file": ("big.txt", cuad_contract("maintenance_agreement").encode())},
            headers=headers,
        )
        assert response.status_code == 413
        assert "larger than the limit" in response.json()["detail"]
        assert "CODEXCONTINUE_LEGAL__MAX_UPLOAD_BYTES" in response.json()["detail"]
        small = client.post("/api/v1/legal/contracts/review-text", json={"text": "x" * 2001}, headers=headers)
        assert small.status_code == 413


def test_the_llm_pass_without_an_llm_answers_503_and_says_how_to_start_one(
    api_client, legal_headers, cuad_contract
):
    response = api_client.post(
        "/api/v1/legal/contracts/review-text",
        json={"text": cuad_contract("maintenance_agreement"), "llm": True},
        headers=legal_headers,
    )
    assert response.status_code == 503
    assert "ollama serve" in response.json()["detail"]


def test_the_categories_route_lists_what_the_review_detects(api_client, make_api_key):
    response = api_client.get("/api/v1/legal/categories", headers=make_api_key("legal:read"))
    assert response.status_code == 200
    names = [c["name"] for c in response.json()]
    assert len(names) == 18 and "Notice Period To Terminate Renewal" in names
