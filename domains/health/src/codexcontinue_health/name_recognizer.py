"""The presidio recogniser for people's names in clinical text, built from rules and name lists alone.

No statistical model: names are found after titles ("Dr. Smith", "Mrs Okafor"), after clinical
and family cues ("pt Jones", "seen by", "wife Maria"), before credentials ("Ana Ruiz, RN"), from
census name lists, and then every other mention of a name found once is taken in the whole note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .name_lists import NameLists, name_lists
from .phi_categories import PhiCategory
from .phi_patterns import STATE_NAME

STATE = re.compile(STATE_NAME)

LETTER = r"[^\W\d_]"
TOKEN = re.compile(rf"{LETTER}(?:{LETTER}|['’](?={LETTER})|-(?={LETTER}))*\.?")
TITLES = re.compile(r"\b(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor|rev)\.?\s+$", re.IGNORECASE)
PERSON_CUES = re.compile(
    r"\b(?:name|patient name|pt name|seen by|seen with|evaluated by|examined by|signed by|e-signed by|"
    r"electronically signed by|signed|e-signed|dictated by|transcribed by|cosigned by|co-signed by|"
    r"authenticated by|reviewed by|verified by|attending|attending physician|resident|fellow|intern|"
    r"referring physician|referring provider|referred by|referral from|pcp|primary care physician|"
    r"primary care provider|provider|physician|surgeon|therapist|nurse|midwife|pharmacist|dietitian|"
    r"discussed with|spoke with|spoke to|talked to|emergency contact|accompanied by|brought in by|wife|"
    r"husband|spouse|partner|son|daughter|mother|father|mom|dad|sister|brother|sibling|aunt|uncle|niece|"
    r"nephew|cousin|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|friend|neighbor|"
    r"neighbour|caregiver|guardian|hcp|poa|health care proxy|healthcare proxy|roommate|fiance|fiancee|"
    r"boyfriend|girlfriend|case manager|social worker|chaplain|interpreter|aide|named|dear|update|updated|"
    r"inform|informed|notify|notified|told|tell|call|called|message for|message left for|left message for|"
    r"voicemail for|letter for|note for|per|thanked|reassured|counseled|counselled|educated|asked|met with|"
    r"visited by|visit from|goals of care with|conversation with|meeting with)\s*[:,(-]?\s*$",
    re.IGNORECASE,
)
WEAK_CUES = re.compile(r"\b(?:with|and|to|for)\s+$", re.IGNORECASE)
DOSE_AFTER = re.compile(r"\s*\(?\d")  # 'with Lasix 40 mg' is a drug, not a person
SPEAKER = re.compile(
    r"(?:^|[.!?;]\s+|\n\s*)(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)\s+(?:from\s+(?:the\s+)?\w+\s+)?"
    r"(?:called|calls|said|says|states|stated|reports|reported|agrees|agreed|asked|requested|declined|wishes|"
    r"wants|prefers|is agreeable|was brought|was seen|presents|presented|denies|denied|endorses|complains|"
    r"feels|felt|arrived|returned|left|verbalized|understands|consented|c/o)\b"
)
PATIENT_CUES = re.compile(r"\b(?:pt|patient|patient's|pt's)\s*[:#-]?\s*$", re.IGNORECASE)
HEADER_CUES = re.compile(r"\b(?:name|patient|pt|patient name|pt name)\s*[:#-]\s*$", re.IGNORECASE)
CREDENTIALS = ["MD", "M.D.", "DO", "D.O.", "RN", "R.N.", "NP", "PA-C", "PA", "APRN", "CNP", "FNP", "FNP-BC", "DNP", "CNM", "CRNA", "LPN", "LVN", "CNA", "PharmD", "RPh", "DPM", "DDS", "DMD", "PhD", "PsyD", "LCSW", "LICSW", "MSW", "LMFT", "MBBS", "FACP", "FACC", "FACS", "RD", "RRT", "DPT", "OTR", "OTR/L", "MSN", "BSN", "CCC-SLP", "SLP", "NP-C", "ANP", "PMHNP"]
CREDENTIAL = re.compile(r",?\s*(?:" + "|".join(re.escape(c) for c in CREDENTIALS) + r")(?![\w/-])")
CREDENTIAL_WORDS = {c.lower().replace(".", "") for c in CREDENTIALS}
TITLE_WORDS = {"dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev", "sr", "jr"}


@dataclass(frozen=True)
class Token:
    """A word of the note and where it is."""

    start: int
    end: int
    text: str

    @property
    def word(self) -> str:
        """The word without a trailing full stop or possessive."""
        return re.sub(r"['’]s$", "", self.text.rstrip("."))

    @property
    def is_initial(self) -> bool:
        """A single capital letter, as in 'John A. Smith'."""
        return len(self.word) == 1 and self.word.isupper()

    @property
    def is_capitalised(self) -> bool:
        """Title case or all capitals."""
        return self.word[:1].isupper()

    @property
    def lower(self) -> str:
        """The word in lower case, without dots ('M.D.' -> 'md')."""
        return self.word.lower().replace(".", "")


class ClinicalNameRecognizer(EntityRecognizer):
    """Names of patients, relatives and staff, found by rules and lists (no NER model)."""

    def __init__(self, lists: NameLists | None = None) -> None:
        self.lists = lists or name_lists()
        super().__init__(supported_entities=[PhiCategory.NAME.value], name="health-names")

    def load(self) -> None:
        """Nothing to load: the lists are read on first use."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Every name span in `text`, each with a confidence that says how it was found."""
        tokens = [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        spans: dict[tuple[int, int], float] = {}
        for index, token in enumerate(tokens):
            before = text[max(0, token.start - 40) : token.start]
            if title := TITLES.search(before):
                shorthand = title.group().strip(" .") in ("MR", "MS")  # mitral regurgitation, multiple sclerosis
                if not (shorthand and self._abbreviation(token)):
                    self._take(spans, self._forward(text, tokens, index, cue="title"), 0.9)
            elif HEADER_CUES.search(before):
                self._take(spans, self._forward(text, tokens, index, cue="header"), 0.9)
            elif PERSON_CUES.search(before):
                self._take(spans, self._forward(text, tokens, index, cue="person"), 0.85)
            elif PATIENT_CUES.search(before):
                self._take(spans, self._forward(text, tokens, index, cue="patient"), 0.85)
            elif WEAK_CUES.search(before) and not DOSE_AFTER.match(text, token.end) and not self._place_or_eponym(token):
                self._take(spans, self._forward(text, tokens, index, cue="patient"), 0.6)
            if self._listed(token):
                self._take(spans, self._around_listed(text, tokens, index), 0.6)
        for match in CREDENTIAL.finditer(text):
            self._take(spans, self._backward(text, tokens, match.start()), 0.85)
        for match in SPEAKER.finditer(text):
            words = [t for t in tokens if match.start("name") <= t.start < match.end("name")]
            if words and not self._abbreviation(words[0]) and words[0].lower not in self.lists.common:
                self._take(spans, words, 0.6)
        self._propagate(tokens, spans)
        return [RecognizerResult(PhiCategory.NAME.value, s, e, score) for (s, e), score in spans.items()]

    # ---------------------------------------------------------------- the rules

    def _starts_name(self, token: Token, cue: str) -> bool:
        """Whether `token` may open a name after a cue: a title ('Dr.'), a header ('Patient:'), a
        person ('wife', 'seen by') or the patient ('pt'). After a title any capitalised word does;
        after a person cue an everyday word must also be a listed name ('daughter May')."""
        if token.lower in TITLE_WORDS or token.lower in CREDENTIAL_WORDS and token.word.isupper():
            return False
        if len(token.word) < 2:
            return False
        if not token.is_capitalised:
            return self.lists.is_name(token.word)
        if cue in ("title", "header") or token.lower not in self.lists.common:
            return True
        return cue in ("header", "person") and self.lists.listed(token.word)

    def _place_or_eponym(self, token: Token) -> bool:
        """'with Texas', 'with Hodgkin': a state or a diagnosis' eponym after a weak cue is no person."""
        return token.lower in self.lists.eponyms or STATE.fullmatch(token.word) is not None

    def _abbreviation(self, token: Token) -> bool:
        """A short all-capitals word that is no listed name: ICD, PCP, ED, CT."""
        return token.word.isupper() and len(token.word) <= 3 and not self.lists.listed(token.word)

    def _continues(self, previous: Token, token: Token, gap: str, cue: str) -> bool:
        """Whether `token` goes on the name that ends with `previous` ("Therese Little", "E. STREET")."""
        if token.lower in TITLE_WORDS or token.lower in CREDENTIAL_WORDS and token.word.isupper():
            return False
        if self.lists.is_name(token.word) or token.is_initial:
            return True
        if not token.is_capitalised:
            return False
        if self._abbreviation(token) and cue not in ("title", "header") and "," not in gap:
            return False
        common = token.lower in self.lists.common
        if cue == "title" or not common or previous.is_initial or "," in gap or not token.word.isupper():
            return True
        return previous.lower in self.lists.first  # SHERRI PAGE

    def _forward(self, text: str, tokens: list[Token], index: int, *, cue: str) -> list[Token]:
        """Up to three name words from `tokens[index]` on ('LAST, FIRST M' after a header cue)."""
        taken: list[Token] = []
        for token in tokens[index : index + 3]:
            if taken:
                gap = text[taken[-1].end : token.start]
                comma = gap.strip() == "," and cue == "header" and len(taken) == 1
                sentence_ended = taken[-1].text.endswith(".") and not taken[-1].is_initial
                if gap not in (" ", ",", ", ") or gap.strip() and not comma or sentence_ended:
                    break
                if not self._continues(taken[-1], token, gap, cue):
                    break
            elif not self._starts_name(token, cue):
                break
            taken.append(token)
        return taken if taken and not all(t.is_initial for t in taken) else []

    def _backward(self, text: str, tokens: list[Token], end: int) -> list[Token]:
        """The name words right before a credential at `end` ('Thandiwe V. Daily, APRN')."""
        taken: list[Token] = []
        limit = end
        for token in reversed([t for t in tokens if t.end <= end][-3:]):
            if text[token.end : limit].strip(" ") or not token.is_capitalised or token.lower in TITLE_WORDS:
                break
            if token.lower in CREDENTIAL_WORDS and token.word.isupper():
                break
            taken.insert(0, token)
            limit = token.start
        while taken and (taken[0].lower in self.lists.common and not self.lists.listed(taken[0].word) or taken[0].is_initial):
            taken.pop(0)  # a name does not start with 'Call' or an initial alone
        return taken

    def _listed(self, token: Token) -> bool:
        if not token.is_capitalised or len(token.word) < 2 or token.word.isupper() and len(token.word) < 3:
            return False
        return self.lists.is_name(token.word)

    def _around_listed(self, text: str, tokens: list[Token], index: int) -> list[Token]:
        """A listed name with the capitalised name-like words (or initials) right next to it."""
        taken = [tokens[index]]
        for after in tokens[index + 1 : index + 3]:
            gap = text[taken[-1].end : after.start]
            sentence_ended = taken[-1].text.endswith(".") and not taken[-1].is_initial
            if gap != " " or sentence_ended or not self._joins(after):
                break
            taken.append(after)
        previous = tokens[index - 1] if index > 0 else None
        adjacent = previous is not None and text[previous.end : tokens[index].start] == " "
        if adjacent and not previous.text.endswith(".") and self._joins(previous):
            taken.insert(0, previous)
        return taken

    def _joins(self, neighbour: Token) -> bool:
        if neighbour.is_initial:
            return True
        if self._abbreviation(neighbour):
            return False
        lower = neighbour.lower
        ordinary = lower in self.lists.common and not self.lists.is_name(neighbour.word)
        return neighbour.is_capitalised and not ordinary and lower not in TITLE_WORDS and lower not in CREDENTIAL_WORDS

    def _take(self, spans: dict[tuple[int, int], float], found: list[Token], score: float) -> None:
        if not found:
            return
        last = found[-1]
        end = last.end - (1 if last.text.endswith(".") and not last.is_initial else 0)
        key = (found[0].start, end)
        spans[key] = max(score, spans.get(key, 0.0))

    def _propagate(self, tokens: list[Token], spans: dict[tuple[int, int], float]) -> None:
        """Every other mention of a word already found as a name is a name too."""
        found: set[str] = set()
        for start, end in list(spans):
            for token in tokens:
                inside = token.start >= start and token.end <= end + 1 and not token.is_initial
                if inside and token.lower not in TITLE_WORDS and token.lower not in CREDENTIAL_WORDS:
                    found.add(token.word.lower())
        covered = list(spans)
        for token in tokens:
            word = token.word.lower()
            if word not in found or any(s <= token.start < e for s, e in covered):
                continue
            if word in self.lists.common and not token.is_capitalised:
                continue
            end = token.start + len(token.word)
            spans[(token.start, end)] = max(0.7, spans.get((token.start, end), 0.0))
