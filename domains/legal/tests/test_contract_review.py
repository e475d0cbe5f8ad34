"""Contract review through the API: values with their passages, risks that follow from them, refusals.

The services agreement (tests/data/services_agreement.txt) was written for these tests; the three CUAD
contracts (CUAD v1, The Atticus Project, CC BY 4.0) are read from ../shared/data/cuad, and the tests
that use them skip when it is absent.
"""

from __future__ import annotations

import os

from fastapi.testclient import TestClient

from codexcontinue.api.app import create_app

REVIEW = "/api/v1/legal/contracts/review"
REVIEW_TEXT = "/api/v1/legal/contracts/review-text"


def review_text(api_client, headers, text: str) -> dict:
    response = api_client.post(REVIEW_TEXT, json={"name": "c.txt", "text": text}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_ninety_days_agreement_is_flagged_for_ninety_days_and_quotes_its_clause(
    api_client, legal_headers, services_agreement
):
    review = review_text(api_client, legal_headers, services_agreement)
    values = review["values"]
    notice = values["notice_period"]
    assert (notice["value"]["amount"], notice["value"]["unit"], notice["shown"]) == (90, "day", "90 days")
    assert "at least ninety (90) days before the end of the then-current term" in notice["passage"]["text"]
    assert services_agreement[notice["passage"]["start"] : notice["passage"]["end"]] == notice["passage"]["text"]
    assert (values["auto_renewal"]["value"], values["renewal_term"]["shown"]) == (True, "1 year")
    [risk] = [r for r in review["risks"] if r["kind"] == "auto_renewal_long_notice"]
    assert risk["severity"] == "high"
    assert "notice of 90 days" in risk["message"] and "365" not in risk["message"]
    assert "ninety (90) days" in risk["quote"]


def test_the_values_come_with_their_passage_and_a_confidence(api_client, legal_headers, services_agreement):
    values = review_text(api_client, legal_headers, services_agreement)["values"]
    shown = {name: reading["shown"] for name, reading in values.items()}
    assert shown | {"parties": None, "liability_cap": None} == {
        "governing_law": "New York", "parties": None, "agreement_date": "2021-03-03",
        "effective_date": "2021-03-03", "expiration_date": "2023-03-03", "initial_term": "2 years",
        "renewal_term": "1 year", "auto_renewal": "yes", "notice_period": "90 days", "liability_cap": None,
    }  # fmt: skip
    for name, reading in values.items():
        assert 0.5 <= reading["confidence"] <= 1, name
        passage = reading["passage"]
        assert services_agreement[passage["start"] : passage["end"]] == passage["text"], name
    assert "laws of the State of New York" in values["governing_law"]["passage"]["text"]
    assert values["expiration_date"]["note"] == "2021-03-03 plus 2 years."


def test_the_cap_sentence_is_read_as_a_cap_and_raises_no_uncapped_risk(api_client, legal_headers, services_agreement):
    review = review_text(api_client, legal_headers, services_agreement)
    cap = review["values"]["liability_cap"]
    assert cap["value"]["formula"].startswith("the total fees paid by Customer to Northwind in the twelve (12) months")
    assert "In no event shall either Party's aggregate liability" in cap["passage"]["text"]
    assert "uncapped_liability" not in {risk["kind"] for risk in review["risks"]}


def test_liability_excepted_from_the_cap_is_flagged_quoting_the_exception(api_client, legal_headers, uncapped_agreement):
    review = review_text(api_client, legal_headers, uncapped_agreement)
    [risk] = [r for r in review["risks"] if r["kind"] == "uncapped_liability"]
    assert risk["severity"] == "high"
    assert risk["quote"].startswith("shall not apply to a Party's indemnification obligations")
    assert risk["quote"] in uncapped_agreement
    assert review["values"]["liability_cap"]["value"] is not None  # the cap itself still stands


def test_every_risk_quotes_words_of_the_contract(api_client, legal_headers, cuad_contract, uncapped_agreement):
    for text in (uncapped_agreement, cuad_contract("reseller_agreement"), cuad_contract("trademark_license_agreement")):
        for risk in review_text(api_client, legal_headers, text)["risks"]:
            passage = risk["passage"]
            assert text[passage["start"] : passage["end"]] == passage["text"]
            assert " ".join(risk["quote"].split()) in " ".join(text.split()), risk


def test_a_comma_in_a_party_name_keeps_the_party_whole(api_client, legal_headers, services_agreement):
    parties = review_text(api_client, legal_headers, services_agreement)["values"]["parties"]["value"]
    assert parties == [
        {"name": "Northwind Analytics, Inc.", "defined_as": ["Northwind"]},
        {"name": "Contoso Health Partners, LLC", "defined_as": ["Customer"]},
    ]


def test_a_value_the_contract_does_not_state_is_not_stated(api_client, legal_headers, services_agreement):
    text = services_agreement.replace(
        "unless either Party gives the other Party written notice of non-renewal at least ninety (90) days before "
        "the end of the then-current term.",
        "unless either Party gives the other Party timely written notice of non-renewal.",
    )
    review = review_text(api_client, legal_headers, text)
    notice = review["values"]["notice_period"]
    assert (notice["value"], notice["shown"], notice["confidence"]) == (None, "not stated", None)
    assert notice["note"]
    kinds = {risk["kind"]: risk for risk in review["risks"]}
    assert "auto_renewal_long_notice" not in kinds
    assert kinds["auto_renewal_notice_not_stated"]["severity"] == "low"


def test_random_bytes_named_txt_are_refused_as_binary(api_client, legal_headers):
    noise = os.urandom(300 * 1024)
    response = api_client.post(REVIEW, files={"file": ("notes.txt", noise)}, headers=legal_headers)
    assert response.status_code == 415
    assert response.json()["detail"].startswith("'notes.txt' is binary data, not text")


def test_random_text_is_refused_as_not_a_contract(api_client, legal_headers):
    noise = os.urandom(300 * 1024).decode("latin-1")
    response = api_client.post(REVIEW_TEXT, json={"name": "noise.txt", "text": noise}, headers=legal_headers)
    assert response.status_code == 422
    assert "'noise.txt' does not read as prose" in response.json()["detail"]


def test_text_without_contract_structure_is_refused_saying_what_to_send(api_client, legal_headers):
    essay = "The river rose through the night and the town watched it from the bridge. " * 30
    response = api_client.post(REVIEW_TEXT, json={"name": "essay.txt", "text": essay}, headers=legal_headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("'essay.txt' does not read as a contract")
    assert "Send the contract itself" in detail


def test_a_cuad_reseller_agreement_is_read_and_flagged(api_client, legal_headers, cuad_contract):
    review = review_text(api_client, legal_headers, cuad_contract("reseller_agreement"))
    values = review["values"]
    assert values["governing_law"]["value"] == "New York"
    assert values["agreement_date"]["value"] == "2019-07-31"
    assert [p["name"] for p in values["parties"]["value"]] == ["Vayyar Imaging Ltd.", "Inde Living Holdings, Inc."]
    assert (values["auto_renewal"]["value"], values["notice_period"]["shown"]) == (True, "3 months")
    [risk] = [r for r in review["risks"] if r["kind"] == "auto_renewal_long_notice"]
    assert "of at least 3 months" in risk["quote"] and "notice of 3 months" in risk["message"]


def test_mutual_termination_and_short_notice_raise_no_risk(api_client, legal_headers, cuad_contract):
    review = review_text(api_client, legal_headers, cuad_contract("maintenance_agreement"))
    assert [r["kind"] for r in review["risks"]] == []
    values = review["values"]
    assert (values["governing_law"]["value"], values["effective_date"]["value"]) == ("Delaware", "2003-07-23")
    assert values["initial_term"]["shown"] == "5 years"


def test_uploads_of_text_docx_and_pdf_are_reviewed_alike(api_client, legal_headers, services_agreement, documents):
    makers = [(str.encode, "contract.txt"), (documents.word_document, "contract.docx"), (documents.text_pdf, "contract.pdf")]
    for make, filename in makers:
        response = api_client.post(REVIEW, files={"file": (filename, make(services_agreement))}, headers=legal_headers)
        assert response.status_code == 200, response.text
        review = response.json()
        assert review["name"] == filename
        assert review["values"]["governing_law"]["value"] == "New York", filename
        assert review["values"]["notice_period"]["shown"] == "90 days", filename


def test_a_scanned_pdf_is_refused_because_it_has_no_text_layer(api_client, legal_headers, documents):
    response = api_client.post(REVIEW, files={"file": ("scan.pdf", documents.scanned_pdf())}, headers=legal_headers)
    assert response.status_code == 422
    assert "'scan.pdf' has no text layer" in response.json()["detail"]


def test_an_unsupported_file_type_is_refused_with_the_accepted_types(api_client, legal_headers):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
    response = api_client.post(REVIEW, files={"file": ("photo.png", png)}, headers=legal_headers)
    assert response.status_code == 415
    assert response.json()["detail"] == "'photo.png' is not a supported file type; upload one of: .txt, .docx, .pdf."


def test_an_upload_over_the_size_limit_is_refused_with_the_setting_to_raise(
    codexcontinue_settings, monkeypatch, services_agreement
):
    monkeypatch.setenv("CODEXCONTINUE_LEGAL__MAX_UPLOAD_BYTES", "2000")
    monkeypatch.setenv("CODEXCONTINUE_LEGAL__MAX_TEXT_BYTES", "3000")
    app = create_app(codexcontinue_settings)
    with TestClient(app) as client:
        token, _ = client.portal.call(app.state.keyring.create, "t", ["legal:write"])
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post(REVIEW, files={"file": ("big.txt", services_agreement.encode())}, headers=headers)
        assert response.status_code == 413
        assert "larger than the limit" in response.json()["detail"]
        assert "CODEXCONTINUE_LEGAL__MAX_UPLOAD_BYTES" in response.json()["detail"]
        long = client.post(REVIEW_TEXT, json={"text": services_agreement}, headers=headers)
        assert long.status_code == 413 and "CODEXCONTINUE_LEGAL__MAX_TEXT_BYTES" in long.json()["detail"]


def test_the_llm_pass_without_an_llm_gives_the_rule_based_review_and_says_why(
    api_client, legal_headers, services_agreement
):
    response = api_client.post(REVIEW_TEXT, json={"text": services_agreement, "llm": True}, headers=legal_headers)
    assert response.status_code == 200, response.text
    review = response.json()
    report = review["llm_pass"]
    assert report["ran"] is False
    assert report["skipped_reason"].startswith("The LLM pass was skipped: no LLM backend at")
    assert "ollama serve" in report["skipped_reason"]
    assert review["values"]["notice_period"]["shown"] == "90 days"  # the rule-based review is all there


def test_the_categories_route_lists_what_the_review_detects(api_client, make_api_key):
    response = api_client.get("/api/v1/legal/categories", headers=make_api_key("legal:read"))
    assert response.status_code == 200
    names = [c["name"] for c in response.json()]
    assert len(names) == 18 and "Notice Period To Terminate Renewal" in names
