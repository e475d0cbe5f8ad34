"""Rule-based SOAP sections: which lines of a note are Subjective, Objective, Assessment or Plan.

Headers are recognised at the start of a line, in any case, with a colon or alone on their line:
'S:', 'HPI:', 'Chief Complaint', 'Physical Exam', 'Impression:', 'A/P:', 'PLAN' and their usual
variants. Text before the first header, or in a note without headers, is 'unsectioned': the
LLM pass places it. An 'Assessment and Plan' section is split line by line: lines that start with
an action ('continue', 'start', 'f/u' ...) go to the plan, the others to the assessment.
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
