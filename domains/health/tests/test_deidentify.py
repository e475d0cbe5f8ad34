"""De-identification of messy clinical text, in each mode, with no model and no network."""

import re
import socket

import pytest
from codexcontinue_health.date_shift import shift_date
from codexcontinue_health.deidentify import Mode, deidentify, redact
from codexcontinue_health.phi_categories import PhiCategory as C
from codexcontinue_health.phi_detector import detect_phi
from codexcontinue_health.word_lists import word_lists

NOTE = (
    "PATIENT: OKAFOR, ADAEZE   MRN: 00482913\n"
    "Seen by Dr. Smith on the 2nd of May; pt Jones says Okafor's wife Maria will call (217) 555-0198.\n"
    "F/u 3/4. Lives at 14 Maple Ave, Springfield, IL 62704. 92 y/o F. Strength 5/5, pain 7/10, take 1/2 tab.\n"
    "Photo: wound_0412.jpg. Okafor tolerated the visit."
)
KEY = b"test-key"


def found(text):
    return {(s.category, text[s.start : s.end]) for s in detect_phi(text)}


def test_names_after_titles_and_cues_dates_and_identifiers_are_found():
    spans = found(NOTE)
    for expected in [
        (C.NAME, "OKAFOR, ADAEZE"), (C.MRN, "00482913"), (C.NAME, "Smith"), (C.DATE, "2nd of May"),
        (C.NAME, "Jones"), (C.NAME, "Maria"), (C.PHONE, "(217) 555-0198"), (C.DATE, "3/4"),
        (C.LOCATION, "14 Maple Ave"), (C.LOCATION, "Springfield"), (C.ZIP, "62704"), (C.AGE, "92"),
        (C.PHOTO, "wound_0412.jpg"), (C.NAME, "Okafor"),
    ]:
        assert expected in spans


def test_scores_doses_and_ages_under_90_are_left_alone():
    text = "67-year-old, strength 5/5, pain 7/10, take 1/2 tab, BP 130/85, Parkinson disease, ICD-10 E11.9."
    assert found(text) == set()


def test_redact_labels_every_span_and_keeps_the_clinical_text():
    result = deidentify(NOTE, Mode.REDACT, key=KEY)
    assert "Seen by Dr. [NAME] on the [DATE]" in result.text
    assert "IL 627**" in result.text  # the three-digit ZIP rule
    assert "[AGE] y/o F" in result.text
    assert "Strength 5/5, pain 7/10, take 1/2 tab" in result.text
    assert result.flags == ["image_attachment"]
    assert all(NOTE[s.start : s.end] not in result.text for s in result.spans if s.category is not C.ZIP)


def test_mask_keeps_lengths():
    result = deidentify("Call Dr. Smith at 217-555-0198.", Mode.MASK, key=KEY)
    assert result.text == "Call Dr. ***** at ************."


def test_pseudonyms_are_consistent_within_a_note_and_differ_from_the_original():
    text = "Mr. John Smith was seen. Smith agrees. Call John at 217-555-0198 or 217-555-0198."
    result = deidentify(text, Mode.PSEUDONYM, key=KEY)
    first, last = re.match(r"Mr\. (\w+) (\w+) was seen\.", result.text).group(1, 2)
    assert (first, last) != ("John", "Smith")
    assert re.search(rf"Mr\. {first} {last} was seen\. {last} agrees\. Call {first} at \[PHONE-1\] or \[PHONE-1\]", result.text)
    assert deidentify(text, Mode.PSEUDONYM, key=KEY).text == result.text
    assert deidentify(text, Mode.PSEUDONYM, key=b"another key").text != result.text


def test_dateshift_moves_every_date_by_one_offset_per_note():
    text = "Admitted 03/01/2021, discharged 03/11/2021 (ten days). Seen by Dr. Smith."
    result = deidentify(text, Mode.DATESHIFT, key=KEY)
    admitted, discharged = re.findall(r"\d{2}/\d{2}/\d{4}", result.text)
    from datetime import datetime

    days = (datetime.strptime(discharged, "%m/%d/%Y") - datetime.strptime(admitted, "%m/%d/%Y")).days
    assert days == 10
    assert "03/01/2021" not in result.text and "Smith" not in result.text


@pytest.mark.parametrize(
    ("written", "days", "shifted"),
    [("2nd of May", -10, "22nd of April"), ("04-Mar-2021", 30, "03-Apr-2021"), ("3/4", 1, "3/5"),
     ("March 2021", 31, "April 2021"), ("2021-12-31", 1, "2022-01-01"), ("SEP 2 2021", -2, "AUG 31 2021")],
)
def test_a_shifted_date_keeps_its_format(written, days, shifted):
    assert shift_date(written, days) == shifted


def test_a_day_alone_cannot_be_shifted_and_is_redacted():
    assert shift_date("the 14th", 3) is None
    assert "[DATE]" in deidentify("Follow up on the 14th.", Mode.DATESHIFT, key=KEY).text


def test_redact_is_what_logs_and_prompts_get():
    assert redact("Spoke with wife Maria at 217-555-0198") == "Spoke with wife [NAME] at [PHONE]"


def test_the_detector_is_built_without_the_network(monkeypatch):
    def refuse(self, address):
        raise AssertionError(f"the de-identifier tried to reach {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    word_lists.cache_clear()
    try:
        assert (C.NAME, "Smith") in found("Seen by Dr. Smith.")
    finally:
        word_lists.cache_clear()


def test_other_packs_access_log_lines_pass_untouched_and_health_ones_are_cleaned():
    import logging

    from codexcontinue_health.phi_log_filter import PhiLogFilter

    fmt = '%s - "%s %s HTTP/%s" %d'
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, fmt,
                              ("127.0.0.1:5000", "GET", "/api/v1/legal/about", "1.1", 200), None)  # fmt: skip
    health = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, fmt,
                               ("127.0.0.1:5000", "GET", "/api/v1/health/icd10/search?q=John%20Smith%20555-867-5309",
                                "1.1", 200), None)  # fmt: skip
    PhiLogFilter().filter(other)
    PhiLogFilter().filter(health)
    assert other.getMessage() == '127.0.0.1:5000 - "GET /api/v1/health/about HTTP/1.1" 200'.replace("health", "legal")
    assert health.getMessage() == '127.0.0.1:5000 - "GET /api/v1/health/icd10/search?q=[REDACTED] HTTP/1.1" 200'


@pytest.mark.parametrize(
    ("written", "redacted"),
    [
        ("HOUSE STAFF mary souza AWARE.", "HOUSE STAFF [NAME] AWARE."),
        ("dr healey aware of K 3.2", "dr [NAME] aware of K 3.2"),
        ("pt lives in catonsville with wife", "pt lives in [LOCATION] with wife"),
        ("pt was at kernan hosp for rehab", "pt was at [LOCATION] for rehab"),
        ("TRANS TO GH 7/23", "TRANS TO [LOCATION] [DATE]"),
        ("S/P MI '92, CABG X3 '95", "S/P MI [DATE], CABG X3 [DATE]"),
        ("medicated with norco with relief to 3/10", "medicated with norco with relief to 3/10"),
        ("Foley draining, Lasix 20 iv, BP 142/84, wean as tol, HTN", "Foley draining, Lasix 20 iv, BP 142/84, wean as tol, HTN"),
        ("f/u T2DM and HTN", "f/u T2DM and HTN"),
    ],
)
def test_the_forms_of_the_issue_are_read_as_clinicians_mean_them(written, redacted):
    assert redact(written) == redacted
