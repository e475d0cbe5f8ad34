"""Clinical content survives de-identification: the 400-odd terms of data/clinical_terms.txt (drugs,
devices, abbreviations, measurement forms) are never masked, alone or in the sentences nurses write."""

import pytest
from codexcontinue_health.deidentify import Mode, deidentify
from codexcontinue_health.phi_detector import detect_phi
from codexcontinue_health.word_lists import word_lists

TERMS = word_lists().clinical_terms
CONTEXTS = [
    "{term}",
    "pt started on {term} this am.",
    "{term} per team, dr green aware.",
    "CONT {term} AS ORDERED. SON DAVID UPDATED.",
    "Seen by Dr. Smith; {term} continued.",
]


def test_the_list_holds_at_least_300_terms():
    assert len(TERMS) >= 300
    assert len({t.lower() for t in TERMS}) == len(TERMS)  # no term listed twice


@pytest.mark.parametrize("context", CONTEXTS)
def test_no_clinical_term_is_ever_masked(context):
    masked = []
    for term in TERMS:
        text = context.format(term=term)
        start = text.index(term)
        if any(s.start < start + len(term) and start < s.end for s in detect_phi(text)):
            masked.append(term)
    assert masked == []


def test_the_soap_and_fhir_detector_keeps_them_and_still_finds_the_phi():
    note = "F/u T2DM and HTN. Lasix 40 mg IV, Foley to gravity, BP 142/84, pain 3/10, SpO2 93% on 2 L NC. Dr. Healey aware."
    text = deidentify(note, Mode.REDACT, key=b"k").text
    assert text == "F/u T2DM and HTN. Lasix 40 mg IV, Foley to gravity, BP 142/84, pain 3/10, SpO2 93% on 2 L NC. Dr. [NAME] aware."


def test_soap_and_fhir_keep_the_clinical_terms(api_client, make_api_key):
    note = "Assessment: f/u T2DM and HTN.\nPlan: Lasix 40 mg IV, Foley to gravity, wean to 2 L NC. Dr. Healey aware."
    headers = make_api_key("health:write")
    soap = api_client.post("/api/v1/health/soap", json={"text": note, "use_llm": False}, headers=headers).json()
    assert soap["assessment"] == ["f/u T2DM and HTN."]
    assert soap["plan"] == ["Lasix 40 mg IV, Foley to gravity, wean to 2 L NC.", "Dr. [NAME] aware."]
    bundle = api_client.post("/api/v1/health/soap/fhir", json={"text": note, "use_llm": False}, headers=headers).json()
    conditions = [e["resource"]["code"]["text"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert conditions == ["f/u T2DM and HTN."] and "Healey" not in str(bundle)
