"""Rule-based SOAP sections: which statements of a note are Subjective, Objective, Assessment or Plan.

Headers are recognised at the start of a line, in any case, with a colon or alone on their line:
'S:', 'HPI:', 'Chief Complaint', 'Physical Exam', 'Impression:', 'A/P:', 'PLAN' and their usual
variants. An 'Assessment and Plan' section is split line by line: lines that start with an action
('continue', 'start', 'f/u' ...) go to the plan, the others to the assessment.

Text under no header (most nursing notes have none) is split into sentences (`note_sentences`) and
each is placed by what it says (`place_sentence`): what the patient or family reports, denies or
has a history of goes to S; intentions and orders ('will', 'plan', 'monitor', 'to be', 'tomorrow')
to P; judgements ('hemodynamically stable', 'improving', 'likely', 'compromised') to A; everything
observed, measured or done (vitals, exam, lines, drips, labs, events) to O. Negation is kept: the
sentence is placed whole. eval/soap_sentence_labels.jsonl holds 30 development notes labelled by
hand, and scripts/measure_soap_sections.py the share placed right (docs/soap-sections.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Section(StrEnum):
    """The four SOAP sections."""

    SUBJECTIVE = "subjective"
    OBJECTIVE = "objective"
    ASSESSMENT = "assessment"
    PLAN = "plan"


HEADERS: dict[str, str] = {
    "subjective": r"s|subjective|cc|chief complaints?|hpi|history of present illness|history|interval history|"
    r"ros|review of systems|pmh|past medical history|psh|past surgical history|social history|sh|"
    r"family history|fh|medications|meds|current medications|allergies|reason for visit|complaint",
    "objective": r"o|objective|vitals?|vital signs|pe|physical exam(?:ination)?|exam|examination|labs?|"
    r"laboratory(?: data| results)?|imaging|radiology|results|data|studies|diagnostics|findings",
    "assessment": r"a|assessment|impression|clinical impression|diagnosis|diagnoses|dx|problem list|problems",
    "plan": r"p|plan|recommendations?|disposition|follow[- ]?up|orders|treatment|treatment plan|instructions",
    "assessment_and_plan": r"a/p|a&p|assessment and plan|assessment & plan|assessment/plan|impression and plan|"
    r"impression/plan",
}
HEADER = re.compile(
    r"^[ \t]*(?:(?P<name>" + "|".join(f"(?P<{k}>{v})" for k, v in HEADERS.items()) + r")[ \t]*(?::|-(?=\s)|$))[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
PLAN_VERBS = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:continue|cont|start|started|begin|stop|discontinue|d/c|hold|increase|decrease|titrate|"
    r"follow|f/u|fu|return|rtc|order|ordered|check|recheck|schedule|refer|referral|consult|obtain|repeat|"
    r"monitor|give|admit|discharge|educate|educated|counsel|counseled|encourage|advise|advised|will|plan|"
    r"trial|add|switch|change|prescribe|rx)\b",
    re.IGNORECASE,
)


SUBJECTIVE_CUES = re.compile(
    r"\b(?:c/o|complain\w*|denie[sd]|deny|no complaints|without complaints|states?|stated|reports?|reported|says|said|"
    r"expressed|verbalize[sd]|feels?|felt|wants|wishes|requests?|requested|s/p|h/o|hx|history|pmh|pmhx|hpi|"
    r"admitted (?:for|with|s/p)|at home|no (?:nausea|n/v|pain|cp|sob)|(?:having|has) (?:a lot of )?pain|"
    r"no appetite|fatigued)\b",
    re.IGNORECASE,
)
PLAN_CUES = re.compile(
    r"(?:^\W*(?:plan|p\b|will|would|to (?:be|start|receive|begin|go|stay|follow|continue)|may need|needs? to|goal|"
    r"rn to|pt to|monitor|follow|recheck|check|repeat|wean(?!ed)|titrate|encourage|consider|possible|awaiting|"
    r"await|f/u|question|assuming|next|give|deline|transfer|cont\.? (?:on q|to monitor|current)|r\b|please))|"
    r"\b(?:will|plan(?: is)?|tomorrow|goal|next|pending|when available|in am\b|later today|to be (?:pulled|removed|done|sent|confirmed))\b",
    re.IGNORECASE,
)
ASSESSMENT_CUES = re.compile(
    r"(?:^\W*a\b)|\b(?:hemodyn\w* stable|improv\w*|worsen\w*|likely|probably|probable|compromised|without issues|"
    r"keeping (?:pt|patient) in|difficult to control|impression|assessment|consistent with)\b|^\W*\?",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"\S.*?(?:[.!?](?=\s|$)|$)")
LINE = re.compile(r"[^\n]+")


def note_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of free text, as (start, end) offsets: lines, split after '.', '!' or '?'."""
    found = []
    for line in LINE.finditer(text):
        for sentence in SENTENCE.finditer(line.group()):
            start, end = line.start() + sentence.start(), line.start() + sentence.end()
            if re.search(r"[A-Za-z]{2}", text[start:end]):
                found.append((start, end))
    return found


def place_sentence(sentence: str) -> Section:
    """The SOAP section a sentence of a note without headers belongs to, by what it says."""
    if PLAN_CUES.search(sentence):
        return Section.PLAN
    if ASSESSMENT_CUES.search(sentence):
        return Section.ASSESSMENT
    if SUBJECTIVE_CUES.search(sentence):
        return Section.SUBJECTIVE
    return Section.OBJECTIVE


@dataclass
class Sections:
    """Statements per section, and the text no header covered."""

    statements: dict[Section, list[str]] = field(default_factory=lambda: {s: [] for s in Section})
    unsectioned: str = ""


def statements(text: str) -> list[str]:
    """The statements of a section body: its lines and sentences, stripped of bullets."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        for sentence in re.split(r"(?<=[.!?])(?<![DM]r\.)(?<!Mrs\.)(?<!Ms\.)(?<!\b[A-Z]\.)\s+(?=[A-Z\[])", line):
            if sentence.strip(" .;"):
                found.append(sentence.strip())
    return found


def split_sections(text: str) -> Sections:
    """The note's statements by SOAP section, from its headers."""
    result = Sections()
    headers = list(HEADER.finditer(text))
    result.unsectioned = (text[: headers[0].start()] if headers else text).strip()
    for header, following in zip(headers, [*headers[1:], None]):
        body = text[header.end() : following.start() if following else len(text)]
        kind = next(k for k in HEADERS if header.group(k) is not None)
        for statement in statements(body):
            if kind == "assessment_and_plan":
                section = Section.PLAN if PLAN_VERBS.match(statement) else Section.ASSESSMENT
            else:
                section = Section(kind)
            result.statements[section].append(statement)
    return result
