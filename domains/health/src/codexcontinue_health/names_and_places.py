"""Names of people and places in clinical text as clinicians write it, found by context and word lists.

Nursing notes name people and places in every case ('dr green aware', 'DR. PRICE TO BEDSIDE',
'lives in catonsville', 'TRANS TO GH'), so capitals say little and a word list alone says less
('green', 'will', 'price' are words; 'quartermain' is in no list). What decides is the context:

- people: a title before ('dr', 'Mrs.', 'NP'), an initial ('E. WELSH AWARE'), a credential after
  ('irene snell, rn'), a relative or contact before ('son David', 'wife, rose', 'proxy: Irene ...'),
  an introduction ('lorrie morales is a 70 yr old'), a sign-off line at the end of the note, and
  census names that are no English word after a weaker cue ('per DOUGLASS', 'with Radu');
- places: a facility word after ('Sacred Heart Memorial', 'mazur campus', 'harford memorial'),
  'St.' before a name, 'University of' a state, a movement before ('transferred to GH', 'admit from
  BALTMORE rehab', 'lives in rome', 'to go to quartermain 2'), and US cities that are no one's name;
- then every other mention, in the note, of a word found as a name or place.

A word counts as clinical vocabulary when it is an English word or a word of the clinical terms
(word_lists.py); vocabulary is never taken without a cue, and clinical words never.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise
from dataclasses import dataclass

from codexcontinue.cpu_work import checkpoint

from .phi_categories import PhiCategory
from .word_lists import WordLists, word_lists

TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
Found = tuple[int, int, PhiCategory, float]

# Words that end a name however they are listed: verbs and function words nurses write after a name.
STOP = frozenset(
    """a about after again all also am an and any are around as aware at away back be because bed been before being
    below between both but by call called came can cannot check come could did do does done down during each
    either even ever every for from gave get given go going gone got had has have having he her here hers him his
    how i if in into is it its just last let made make may me might more most much must my need needs no nor not
    notified now of off on once only or other our out over own paged per please re same saw see seen she should
    since so some spoke still such than that the their them then there these they this those though through to
    today tomorrow tonight too under until up upon us very was we well were what when where which while who whom
    why will with within would yet you your yesterday ordered aware informed updated called notified stated states
    said says reports reported wants wishes feels felt thinks asked told tell spoke spoken talked discussed plan
    plans note notes team staff here there pt pts patient patients family rn md np""".split()
)
TITLES = frozenset("dr dr. drs doctor mr mrs ms miss mister rabbi np ho md pt patient".split())
STRONG_TITLES = frozenset("dr drs doctor mr mrs ms miss mister".split())
PHONE_WORDS = frozenset("cell phone home work office pager tel telephone mobile beeper".split())
CREDENTIALS = frozenset(
    "rn rrt md np msw bsn lpn licsw licws lcsw crna rph pharmd cna rd slp aprn phd pa pa-c rnc ccrn cnm".split()
)
RELATIVES = frozenset(
    """wife husband spouse son sons daughter daughters dtr dtrs dau daugher daughers grandaughter granddaughter
    grandaughters granddaughters grandson grandsons sister sisters brother brothers mother father mom dad aunt
    uncle niece nephew cousin friend friends proxy hcp poa fiance fiancee girlfriend boyfriend partner neighbor
    neighbour stepdaughter stepson sil dil lawyer attorney rabbi priest chaplain named nurse proxys proxies
    relative relatives guardian companion caregiver aide""".split()
)
PERSON_PHRASES = frozenset(
    [("contact", "person"), ("spoke", "with"), ("spoke", "to"), ("spoken", "with"), ("spoken", "to"), ("talked", "with"),
     ("talked", "to"), ("met", "with"), ("accompanied", "by"), ("followed", "by"), ("seen", "by"), ("called", "by"),
     ("to", "page"), ("visited", "by"), ("care", "proxy"), ("proxy", "is"), ("in", "law"), ("to", "reach"),
     ("able", "reach"), ("reach", "to")]
)
PHRASE_ENDS = frozenset(second for _, second in PERSON_PHRASES)
WEAK_CUES = frozenset("per with by called notified informed updated told page reach contacted asked".split())
AFTER_NAME = frozenset(
    """aware notified ordered made called paged said says spoke rrt rn md np informed updated plans performed
    placing recommended in""".split()
)
FACILITY_NAME_WORDS = frozenset(
    """sacred heart holy cross general memorial mercy good samaritan saint st university childrens children's
    shriners veterans baptist methodist presbyterian lutheran christian adventist regional union providence
    hope faith grace valley river lake mountain north south east west northern southern eastern western central
    bay harbor harbour beach park hill hills view vista island point springs shore square franklin mount mt
    new port fort city county spring""".split()
)
FACILITY = frozenset(
    """hospital hosp hosptial hospitals medical center ctr rehab memorial campus building bldg manor house clinic
    health healthcare institute infirmary hospice nh general""".split()
)
GENERIC_PLACE = frozenset(
    """the this that outside other another local community nursing rehab acute chronic psych state city county
    mental public home behavioral physical occupational any same new old his her their our your a an my
    previous prior nearest nearby medical surgical cardiac rehabilitation""".split()
)
MOVES = frozenset(
    """transferred transfered tranfered transfer transf trans tx sent brought went go going goes admitted admit adm
    taken came come presented arrived arrive received recieved rec'd accepted discharged returned return returning
    flighted flown enroute route screened report retired works worked work lives living live resides residing
    vacationing vacationed visiting flying fly moved moving""".split()
)
MOVE_PREPOSITIONS = frozenset("in to from at into by for out up over back".split())
# Movements that name a place only with a preposition: 'received from OLH' but not 'received Lasix'.
NEEDS_PREPOSITION = frozenset("received recieved rec'd sent go going goes come came return returned returning work works worked back".split())
PLACE_PREPOSITIONS = frozenset("in from at near of".split())
UNITS = frozenset(
    """nh floor floors ccu micu sicu csru ccru vicu cvicu icu nicu picu tsicu msicu step stepdown tele telemetry or ir
    er ew ed ct mri cath lab rehab home nursing snf ltc hospice unit units service bed room bedside dialysis
    hd pacu ward wards radiology echo nuclear xray osh pcp md team facility facilities acute ems chair commode
    stretcher bathroom shower hall hallway cardiology neurology surgery medicine oncology""".split()
)
SAINT = frozenset("st st. saint ste".split())
# A hospital's departments: the word before them names the hospital ('GH EW', 'gh cath lab', 'Lally MICU').
DEPARTMENTS = frozenset("ew er ed icu micu sicu ccu csru cath attorneys".split())
# Where a short code after 'at', 'in', 'to', 'from' or 'on' is a place ('at GH', 'in GH').
AT_PLACE = frozenset("at in to from on".split())
UNIVERSITY = frozenset("u uof univ university".split())
STATES = frozenset(
    """al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh
    ok or pa ri sc sd tn tx ut vt va wa wv wi wy fla calif mass penn maryland virginia pennsylvania massachusetts
    delaware florida""".split()
)
HEADER = re.compile(
    r"(?:^|\n)[ \t]*(?:patient|pt|patient name|pt name|name|attending|signed|signed by|electronically signed by|"
    r"physician|provider|pcp|resident|referring|dictated by|author)[ \t]*:[ \t]*$",
    re.IGNORECASE,
)
SPEECH = frozenset(
    """was is has had from called calls reports reported states stated agrees agreed requested presents presented
    denies denied complains c verbalizes verbalized wishes wants says said""".split()
)
INTRODUCTION = re.compile(r"\s+is\s+an?\s+\d", re.IGNORECASE)
WARD_NUMBER = re.compile(
    r"[ \t]\d(?!\.\d)(?=[ \t]*(?:$|[.,;)\n]|(?:when|in|for|today|tomorrow|tonight|if|bed|step|this|at|on|and|w|with|per|once|later|after|cv)\b))",
    re.IGNORECASE | re.MULTILINE,
)


FEATURE_CACHE = 200_000


def _features(word: str, lists: WordLists) -> tuple[str, bool, bool, bool, bool, bool, bool]:
    """What the lists say of one word as written: (lower, initial, vocabulary, clinical, listed, first, title case)."""
    lower = word.lower().replace("’", "'")
    base = lower[:-2] if lower.endswith("'s") else lower
    clinical = base in lists.clinical or lower in lists.clinical
    english = base in lists.english or lower in lists.english or lower.endswith("n't")
    title_case = word[0].isupper() and (len(word) == 1 or word[1:].islower())
    listed = lists.listed(base) or "'" in base and lists.listed(base.replace("'", ""))
    return base, len(word) == 1, english or clinical, clinical, listed, base in lists.first, title_case


@dataclass(slots=True)
class Token:
    """A word of the note and what the lists say of it."""

    start: int
    end: int
    text: str
    lower: str
    initial: bool  # a single letter
    vocabulary: bool  # an English or clinical word
    clinical: bool
    listed: bool  # a census first or last name
    first: bool
    title_case: bool


class NoteScanner:
    """Names and places in one note: call `found()`."""

    def __init__(self, text: str, lists: WordLists | None = None) -> None:
        self.text = text
        self.lists = lists or word_lists()
        self.tokens = self._tokens(text)
        self.spans: dict[tuple[int, int], tuple[PhiCategory, float]] = {}
        letters = sum(1 for t in self.tokens if len(t.text) > 1)
        upper = sum(1 for t in self.tokens if len(t.text) > 1 and t.text.isupper())
        title = sum(1 for t in self.tokens if len(t.text) > 1 and t.title_case)
        # Capitals carry meaning only in mixed-case text: not in notes all in capitals or all in lower case.
        self.cased = letters > 0 and upper / letters < 0.4 and title / letters >= 0.05

    def _tokens(self, text: str) -> list[Token]:
        """The words of `text` with what the lists say of each (looked up once per distinct word)."""
        cache, lists, tokens = self.lists.features, self.lists, []
        if len(cache) > FEATURE_CACHE:
            cache.clear()
        append = tokens.append
        for match in TOKEN.finditer(text):
            word = match.group()
            features = cache.get(word)
            if features is None:
                features = cache[word] = _features(word, lists)
            start, end = match.span()
            append(Token(start, end, word, *features))
        return tokens

    # ---------------------------------------------------------------- what a word may be

    def _gap(self, left: Token, right: Token) -> str:
        return self.text[left.end : right.start]

    def _name_word(self, token: Token) -> bool:
        """May be a word of a name once a cue has said a name follows: no stop word, no clinical
        word, and not an English word unless a census name too ('dr green', 'wife, rose')."""
        if token.clinical or token.lower in STOP or token.lower in CREDENTIALS or token.lower in RELATIVES:
            return False
        return token.initial or not token.vocabulary or token.listed

    def _strong_name(self, token: Token) -> bool:
        """A name even after a weak cue: a census name that is no English or clinical word, written
        with a capital in mixed-case text ('per Dr. ..., 'with Irene'; not 'with kling')."""
        if token.initial or token.clinical or token.lower in STOP or token.lower in RELATIVES or len(token.text) < 3:
            return False
        if self.cased and not token.text[0].isupper():
            return False
        return token.listed and not token.vocabulary and not self._city(token)

    def _city(self, token: Token) -> bool:
        """A US city that is no common surname and no first name ('baltimore', not 'warren')."""
        lower = token.lower
        if lower not in self.lists.places or lower in self.lists.first:
            return False
        return self.lists.last.get(lower, 100_000) > 3000

    def _continues(self, token: Token) -> bool:
        """May go on a name already begun ('Janet logan', 'ROBERT V. DEGIORGIO')."""
        if token.initial:
            return True
        if token.clinical or token.lower in STOP or token.lower in CREDENTIALS or token.lower in TITLES or token.lower in RELATIVES:
            return False
        return not token.vocabulary or (token.listed and token.lower not in self.lists.english)

    # ---------------------------------------------------------------- people

    def _forward(self, index: int, first_ok: bool, limit: int = 3) -> list[Token]:
        """Name words from `tokens[index]` on, the first accepted by the caller's cue."""
        taken: list[Token] = []
        for token in self.tokens[index : index + limit]:
            if taken:
                gap = self._gap(taken[-1], token)
                joined = gap in (" ", "-", "'") or taken[-1].initial and gap in (". ", ".", " ") or gap == "  "
                if not joined or taken[-1].text.endswith(".") and not taken[-1].initial:
                    break
                after_initial = taken[-1].initial and token.listed and self._name_word(token)
                surname = (  # 'Felica Batten', 'aunt Ayesha Duck': a capitalised census surname after a capitalised given name
                    taken[-1].first and taken[-1].title_case and token.title_case and token.listed and self._name_word(token)
                ) or (  # 'CONTACT PERSON CECILE DITTO (135-...)': a census surname closing the name before a bracket or comma
                    taken[-1].first and token.listed and self._name_word(token) and self.text.startswith((" (", ",", " -"), token.end)
                )
                if not (self._continues(token) or after_initial or surname or taken[-1].lower == "o" and not token.vocabulary):
                    break
            elif not first_ok:
                break
            taken.append(token)
        while taken and taken[-1].initial and len(taken) > 1 and not self.text.startswith(".", taken[-1].end):
            taken.pop()  # 'Dr. Smith A' : a trailing single letter is not part of the name
        if taken and all(t.initial for t in taken):
            return []
        return taken

    def _take(self, tokens: list[Token], category: PhiCategory, score: float) -> None:
        if tokens:
            key = (tokens[0].start, tokens[-1].end)
            previous = self.spans.get(key)
            if previous is None or previous[1] < score:
                self.spans[key] = (category, score)

    def _titles(self, index: int, token: Token) -> None:
        """'Dr. Marder', 'dr green', 'MR. EDWIN PRZYBYLO', 'NP CAROL', 'HO Falco', 'dr o rourke'."""
        if index + 1 >= len(self.tokens) or token.text.lower().endswith(("'s", "’s")):
            return  # "doctor's letter"
        following = self.tokens[index + 1]
        gap = self._gap(token, following)
        if not re.fullmatch(r"\.?[ \t]{0,3}|[ \t]{1,3}", gap) or "\n" in gap:
            return
        if token.lower in ("ms", "mr") and (following.clinical or not following.initial and following.vocabulary and not following.listed):
            return  # 'MS: sedated', 'mild MR'
        strong = token.lower in STRONG_TITLES
        first = following
        if first.clinical or first.lower in CREDENTIALS:
            return
        if first.lower in STOP:
            second = self.tokens[index + 2] if index + 2 < len(self.tokens) else None
            if strong and first.first and second is not None and self._gap(first, second) == " " and self._continues(second) and not second.initial:
                self._take([first, *self._forward(index + 2, True, 2)], PhiCategory.NAME, 0.85)  # 'Dr Will Cole'
            return
        if first.initial and strong and self.text.startswith(".", first.end):
            taken = self._forward(index + 1, True) or [first]  # 'MS S. CARE': an initial alone after a title
            self._take(taken, PhiCategory.NAME, 0.85)
            return
        if not strong:
            after = self.tokens[index + 2] if index + 2 < len(self.tokens) else None
            unknown_named = not first.vocabulary and after is not None and after.lower in AFTER_NAME
            if not (self._name_word(first) and (first.listed and (not first.vocabulary or first.first) or unknown_named)):
                return
        taken = self._forward(index + 1, True)
        self._take(taken, PhiCategory.NAME, 0.9)
        self._coordinated(index + 1 + len(taken))  # 'Dr. Griffin and Swackhamer aware'

    def _initials(self, index: int, token: Token) -> None:
        """'Z. MILLER AWARE', 'q. lander rrt', 'J SMITH ORDERED', "(d. renna and j. o'brien)"."""
        if index + 1 >= len(self.tokens) or token.start > 0 and self.text[token.start - 1] not in " \t\n(,;:-":
            return  # 'D+I. midsternal', "80's. Able", 'n/v. Abd': not an initial
        if token.text in ("a", "A", "I") and not self.text.startswith(".", token.end):
            return
        following = self.tokens[index + 1]
        gap = self._gap(token, following)
        if gap not in (". ", " ", ".  ") or following.initial or not self._name_word(following):
            return
        after = self.tokens[index + 2] if index + 2 < len(self.tokens) else None
        cue_after = after is not None and after.lower in AFTER_NAME
        if "." in gap and (following.listed and not following.vocabulary or cue_after or self.text.startswith((",", ":"), following.end)):
            self._take([token, *self._forward(index + 1, True)], PhiCategory.NAME, 0.8)
        elif following.listed and cue_after and after.lower not in ("in", "made", "called"):
            self._take([token, following], PhiCategory.NAME, 0.7)  # 'J SMITH ORDERED'
        elif following.listed and not following.vocabulary and cue_after:
            self._take([token, following], PhiCategory.NAME, 0.7)

    def _credential(self, index: int) -> None:
        """The name right before a credential: 'irene snell, rn', 'Stord-Painter MD', 'J. Yi, MD'; or
        right after it in brackets: 'RN (Edward)'."""
        if index + 1 < len(self.tokens) and self._gap(self.tokens[index], self.tokens[index + 1]) in (" (", "("):
            named = self.tokens[index + 1]
            if named.first and self._name_word(named) and self.text.startswith(")", named.end):
                self._take([named], PhiCategory.NAME, 0.8)
        taken: list[Token] = []
        right = self.tokens[index]
        for token in reversed(self.tokens[max(0, index - 3) : index]):
            gap = self._gap(token, right)
            if gap not in (" ", ", ", ",", "-", ". ", "  ") or "\n" in gap:
                break
            if gap in (". ",) and not token.initial:
                break
            if not (token.initial or self._name_word(token)):
                break
            taken.insert(0, token)
            right = token
        while taken and taken[0].initial and len(taken) == 1:
            taken.pop(0)
        if not taken:
            return
        last = [t for t in taken if not t.initial][-1:] or taken
        if last[0].vocabulary and not (len(taken) > 1 and (taken[-2].first or taken[-2].initial or not taken[-2].vocabulary)):
            return  # 'Will notify MD', 'night MD'
        if any(not t.vocabulary or t.first for t in taken if not t.initial):
            self._take(taken, PhiCategory.NAME, 0.85)

    def _relatives(self, index: int, token: Token) -> None:
        """'son David', 'wife, rose', 'proxy is grandaughter: Irene Czyzewicz', 'daughters sarah and margie'."""
        if index + 1 >= len(self.tokens):
            return
        following = self.tokens[index + 1]
        gap = self._gap(token, following)
        plural = token.lower.endswith("s") and gap == ". "  # 'health care proxys. suzette and ank'
        if not re.fullmatch(r"[ \t:,(?)\-\"']{1,5}", gap) and not plural:
            return
        if following.clinical and following.first and self.cased and following.title_case and "," in gap:
            self._take([following], PhiCategory.NAME, 0.7)  # 'Son, Ed, was updated'
            return
        if not self._name_word(following) or following.initial:
            return
        if following.vocabulary and not following.first and not (self.cased and following.title_case and following.listed):
            return  # 'son in all day'; but 'His friend Ream' in mixed case
        if not following.listed and not (self.cased and following.title_case) and not re.search(r"[:,(\-]", gap) and not plural:
            return  # 'son presnt', 'daughter,russian': a word in no list needs a capital or a colon
        taken = self._forward(index + 1, True)
        self._take(taken, PhiCategory.NAME, 0.8)
        self._coordinated(index + 1 + len(taken))

    def _coordinated(self, index: int) -> None:
        """'... and margie', '... and Theodore' right after a name."""
        if index + 1 < len(self.tokens) and self.tokens[index].lower == "and":
            following = self.tokens[index + 1]
            if self._name_word(following) and (not following.vocabulary or following.first):
                self._take(self._forward(index + 1, True), PhiCategory.NAME, 0.75)

    def _weak(self, index: int) -> None:
        """'per DOUGLASS', 'with Radu Crosson', 'by Frances Giggey': only names no list calls a word."""
        following = self.tokens[index + 1]
        if self._gap(self.tokens[index], following) in (" ", "  ", ": ") and self._strong_name(following):
            self._take(self._forward(index + 1, True), PhiCategory.NAME, 0.6)

    def _introduction(self, index: int) -> None:
        """A line that opens with a name and 'is a 70 yr old': 'lorrie morales is a 70 yr old female'."""
        taken: list[Token] = []
        for token in self.tokens[index : index + 3]:
            if taken and self._gap(taken[-1], token) != " ":
                break
            if not self._name_word(token) or token.vocabulary and not token.first:
                break
            taken.append(token)
            if INTRODUCTION.match(self.text, token.end):
                if any(not t.vocabulary or t.first for t in taken):
                    self._take(taken, PhiCategory.NAME, 0.8)
                return

    def _sign_off(self) -> None:
        """The note's last line, when it is two or three name words: the writer ('Mary Rueping')."""
        tail = self.text.rstrip()
        line_start = tail.rfind("\n") + 1
        words = [t for t in self.tokens if t.start >= line_start]
        if 2 <= len(words) <= 4 and all(self._name_word(t) or t.lower in CREDENTIALS for t in words):
            names = [t for t in words if t.lower not in CREDENTIALS]
            if len(names) >= 2 and names[0].first and all(not t.vocabulary or t.listed or t.initial for t in names):
                self._take(names, PhiCategory.NAME, 0.7)

    def _first_last(self, index: int, token: Token) -> None:
        """A given name and a surname with no cue: 'mary theresa kondouli', 'grace dudak aware',
        'Patricia Nolan'. A given name that is also a word ('grace', 'martin') needs a cue after it
        ('aware') or a weak one before ('with martin carey')."""
        if index + 1 >= len(self.tokens) or token.lower in STOP or token.clinical or token.lower in RELATIVES:
            return
        following = self.tokens[index + 1]
        if self._gap(token, following) != " " or following.initial or not self._continues(following):
            self._introduced_as(index, token)
            return
        if following.vocabulary or not (following.listed or not following.first and len(following.text) > 3):
            return
        taken = self._forward(index, True)
        capitals = self.cased and token.title_case and following.title_case and following.listed and not following.vocabulary
        if token.vocabulary and not capitals:  # 'Maria Lopez' in mixed case needs no cue
            after = self.tokens[index + len(taken)] if index + len(taken) < len(self.tokens) else None
            before = self.tokens[index - 1] if index > 0 else None
            cue_after = after is not None and (after.lower in AFTER_NAME or after.lower in RELATIVES or after.lower in PHONE_WORDS)
            if not (cue_after or before is not None and before.lower in WEAK_CUES):
                return
        self._take(taken, PhiCategory.NAME, 0.7)

    def _header(self, index: int, token: Token) -> None:
        """The name after a form's label: 'PATIENT: BOUNDS, KELLY', 'Attending: Sven Reyes'."""
        if ":" not in self.text[max(0, token.start - 3) : token.start]:
            return
        if not HEADER.search(self.text, max(0, token.start - 40), token.start) or not self._name_word(token):
            return
        taken = self._forward(index, True)
        following = self.tokens[index + len(taken)] if index + len(taken) < len(self.tokens) else None
        if len(taken) == 1 and following is not None and self._gap(taken[0], following).strip() == "," and self._continues(following):
            taken += self._forward(index + len(taken), True, 2)  # 'LAST, FIRST M'
        self._take(taken, PhiCategory.NAME, 0.85)

    def _speaker(self, index: int, token: Token) -> None:
        """A census name that is no word, capitalised, opening a sentence before a verb of speech or
        state: 'Marci was brought in', "Pettit's notes", 'Kayla from the lab called'."""
        if token.vocabulary or not token.listed or not token.text[0].isupper() or index + 1 >= len(self.tokens):
            return
        before = self.text[max(0, token.start - 3) : token.start]
        if index > 0 and not re.search(r"(?:[.!?:;]\s*|\n\s*)$", before):
            return
        following = self.tokens[index + 1]
        possessive = token.text.lower().endswith("'s")
        if possessive or following.lower in SPEECH and self._gap(token, following) == " ":
            self._take([token], PhiCategory.NAME, 0.65)

    def _introduced_as(self, index: int, token: Token) -> None:
        """A given name said to be a relation: 'Anne is family contact', 'Mary is his wife'."""
        if token.vocabulary or index + 2 >= len(self.tokens) or self.tokens[index + 1].lower not in ("is", "was"):
            return
        if any(t.lower in RELATIVES or t.lower == "contact" for t in self.tokens[index + 2 : index + 5]):
            self._take([token], PhiCategory.NAME, 0.7)

    def _capitalised_pair(self, index: int, token: Token) -> None:
        """Two capitalised words in no list, in mixed-case text, before a phone number, a relation or a
        verb of speech: 'Lopie Certusi cell# ...', 'Radu Crosson (pts closest ...)'."""
        if index + 2 >= len(self.tokens) or not token.title_case or token.vocabulary and not token.listed or token.clinical:
            return
        following = self.tokens[index + 1]
        if self._gap(token, following) != " " or not following.title_case or following.initial or following.clinical:
            return
        if following.vocabulary and not following.listed or following.lower in STOP or token.lower in STOP:
            return
        after = self.tokens[index + 2]
        gap = self._gap(following, after)
        listed = token.listed or following.listed
        strong = after.lower in PHONE_WORDS or after.lower in RELATIVES or "(" in gap
        if strong or not listed and self.cased and (after.lower in AFTER_NAME or after.lower in SPEECH):
            self._take([token, following], PhiCategory.NAME, 0.65)

    # ---------------------------------------------------------------- places

    def _named_facility(self, index: int, token: Token) -> None:
        """Two capitalised words that name hospitals after 'at', 'to', 'from' or a movement, in
        mixed-case text: 'go to Sacred Heart', 'excepted at Holy Cross'."""
        if not self.cased or index + 1 >= len(self.tokens) or not token.title_case or token.lower not in FACILITY_NAME_WORDS:
            return
        following = self.tokens[index + 1]
        named = following.title_case and following.lower in FACILITY_NAME_WORDS and self._gap(token, following) == " "
        if named and index > 0 and (self.tokens[index - 1].lower in AT_PLACE or self._after_move(index)):
            self._take([token, following], PhiCategory.LOCATION, 0.65)

    def _code_place(self, index: int, token: Token) -> None:
        """A short code in no list after 'at', 'in', 'to', 'from', 'on' ('at GH', 'in GH'), or before a
        hospital department ('GH EW', 'gh cath lab'): the name of a hospital."""
        before = self.tokens[index - 1] if index > 0 else None
        after = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        if after is not None and after.lower in DEPARTMENTS and self._gap(token, after) == " " and (token.listed or not token.vocabulary):
            sentence_start = before is None or self.text[before.end : token.start].strip() not in ("", ",", "-", "(")
            english = token.lower in self.lists.english and not (token.title_case and self.cased and not sentence_start)
            if (token.title_case or token.text.isupper()) and len(token.text) > 1 and token.lower not in STOP and token.lower not in UNITS and not english:
                words = [token]
                if before is not None and before.listed and self._gap(before, token) == " " and before.text[0].isupper():
                    words.insert(0, before)  # 'Warren Grant EW'
                self._take(words, PhiCategory.LOCATION, 0.65)
                return
        if token.vocabulary or token.listed or not 2 <= len(token.text) <= 4:
            return
        cue_before = before is not None and before.lower in AT_PLACE and self._gap(before, token) == " "
        cue_after = after is not None and after.lower in DEPARTMENTS and self._gap(token, after) == " "
        short = len(token.text) == 2 and token.lower not in STATES and token.lower not in UNITS
        if cue_before and short and (token.text.isupper() or not self.cased) or cue_after:
            self._take([token], PhiCategory.LOCATION, 0.6)

    def _facility(self, index: int) -> None:
        """The name before a facility word: 'Sacred Heart Memorial', 'harford memorial', 'mazur campus'."""
        end = index
        while end + 1 < len(self.tokens) and self.tokens[end + 1].lower in FACILITY and self._gap(self.tokens[end], self.tokens[end + 1]) == " ":
            end += 1
        taken: list[Token] = []
        right = self.tokens[index]
        for token in reversed(self.tokens[max(0, index - 3) : index]):
            gap = self._gap(token, right)
            if gap not in (" ", ". ", "-") or gap == ". " and token.lower not in SAINT:
                break
            if token.lower in GENERIC_PLACE or token.lower in STOP and token.lower != "of":
                break
            if token.lower in FACILITY and token.lower in ("memorial", "general") and not taken:
                taken.insert(0, token)  # 'MEMORIAL HOSPITAL': the name is the facility word
                right = token
                continue
            if token.lower in FACILITY or token.clinical and token.lower not in FACILITY_NAME_WORDS or token.lower in UNITS:
                break
            if token.vocabulary and not (token.listed or token.lower in self.lists.places or token.lower in FACILITY_NAME_WORDS or token.lower == "of"):
                break  # 'continue rehab', 'poor health', 'LEAVE HOSPITAL'
            if token.initial and not (taken and taken[0].lower in SAINT):
                break
            taken.insert(0, token)
            right = token
        while taken and taken[0].lower == "of":
            taken.pop(0)
        if not taken:
            return
        facility = self.tokens[index]
        if facility.lower == "general" and not (end > index):
            return
        if all(t.lower in ("memorial", "general") for t in taken):
            first_at = index - len(taken)
            before = self.tokens[first_at - 1] if first_at > 0 else None
            if before is None or before.lower not in MOVE_PREPOSITIONS and before.lower != "the":
                return  # 'Memorial Hospital' only after 'to', 'at', 'the'
        weak = facility.lower in ("health", "house", "building", "bldg", "center", "ctr", "medical", "rehab", "campus")
        if weak and all(t.vocabulary and t.lower not in FACILITY_NAME_WORDS and t.lower not in self.lists.places for t in taken):
            return  # 'mental health', 'care center'
        words = [*taken, *self.tokens[index : end + 1]]
        self._take(words, PhiCategory.LOCATION, 0.8)

    def _saint(self, index: int) -> None:
        """'St. Agnes', "ST. MARY'S", 'St A.': a saint's name is a hospital's."""
        if index + 1 >= len(self.tokens):
            return
        following = self.tokens[index + 1]
        gap = self._gap(self.tokens[index], following)
        before = self.text[max(0, self.tokens[index].start - 8) : self.tokens[index].start]
        if gap not in (". ", " ", ".") or re.search(r"\d\s*$", before):
            return  # '12 St.' is a street
        if following.initial and self.text.startswith(".", following.end):
            self._take([self.tokens[index], following], PhiCategory.LOCATION, 0.8)  # 'St A.'
            return
        if following.lower in STOP or following.clinical:
            return
        if following.first or not following.vocabulary and (following.title_case or following.text.isupper() and len(following.text) > 2):
            self._take([self.tokens[index], *self._forward(index + 1, True, 2)], PhiCategory.LOCATION, 0.8)

    def _university(self, index: int) -> None:
        """'U Maryland', 'UOf Maryland Hosp', 'U OF MD MED CENTER', 'university of maryland hospital'."""
        taken = [self.tokens[index]]
        for token in self.tokens[index + 1 : index + 3]:
            if self._gap(taken[-1], token) != " ":
                break
            taken.append(token)
            if token.lower in STATES or token.lower in self.lists.places:
                self._take(taken, PhiCategory.LOCATION, 0.8)
                return
            if token.lower != "of":
                return

    def _moved(self, index: int, token: Token) -> None:
        """The place after a movement: 'transferred to GH', 'admit from BALTMORE', 'lives in rome',
        'to go to quartermain 6'. Units of the hospital ('to floor', 'to CCU') are no place."""
        if token.clinical or token.lower in UNITS or token.lower in STOP or token.initial:
            return
        if self.cased and token.text.islower():
            return  # 'transfered to commonde', 'sent for permacath': in mixed-case text a place has a capital
        if token.start > 0 and not self.text[token.start - 1].isspace():
            return  # '50%VM', '2URPRC'
        if self.tokens[index - 1].lower == "for" and self.tokens[index - 2].lower not in ("works", "work", "worked", "working"):
            return
        listed_place = token.lower in self.lists.places and (not token.vocabulary or token.text[0].isupper() and self.cased)
        if token.vocabulary and not listed_place:
            return
        if token.lower in ("dc",) and not re.search(r"(?:lives|living|live|from)\W{1,3}(?:in\W{1,3})?$", self.text[max(0, token.start - 20) : token.start], re.IGNORECASE):
            return
        taken = [token]
        for following in self.tokens[index + 1 : index + 3]:
            if self._gap(taken[-1], following) != " " or following.clinical or following.lower in STOP or following.lower in UNITS:
                break
            phrase = f"{' '.join(t.lower for t in taken)} {following.lower}"
            capital = self.cased and following.title_case and taken[-1].title_case
            if following.vocabulary and phrase not in self.lists.places and not (following.listed and capital):
                break
            taken.append(following)
        self._take(taken, PhiCategory.LOCATION, 0.75)

    def _place_phrase(self, index: int) -> bool:
        """A US city of two or three words ('new haven', 'Middle River', 'Daytona Beach') after 'in',
        'from', 'at' or a movement."""
        for size in (3, 2):
            words = self.tokens[index : index + size]
            if len(words) < size or any(self._gap(a, b) != " " for a, b in pairwise(words)):
                continue
            if " ".join(t.lower for t in words) in self.lists.places:
                self._take(words, PhiCategory.LOCATION, 0.75)
                return True
        return False

    def _ward(self, index: int, token: Token) -> None:
        """A building with a floor number and no other meaning: 'QUARTERMAIN 2', 'quartermain 6.'"""
        if WARD_NUMBER.match(self.text, token.end):
            self._take([token], PhiCategory.LOCATION, 0.6)

    # ---------------------------------------------------------------- the note

    def _after_move(self, index: int) -> bool:
        """Whether a movement comes right before `tokens[index]` ('transferred to', 'admit from',
        'lives in', 'to go to', 'flying in from')."""
        at = index - 1
        skipped = 0
        while at >= 0 and self.tokens[at].lower in MOVE_PREPOSITIONS and skipped < 2:
            at, skipped = at - 1, skipped + 1
        if at >= 1 and self.tokens[at].lower == "o" and self.text[self.tokens[at].start - 2 : self.tokens[at].start] == "c/":
            return skipped > 0  # 'c/o to quartermain': called out to
        if at < 0 or self.tokens[at].lower not in MOVES or self.tokens[index].start - self.tokens[at].end >= 16:
            return False
        return skipped > 0 or self.tokens[at].lower not in NEEDS_PREPOSITION

    def _move_in_clause(self, index: int) -> bool:
        """Whether 'lives', 'living', 'transferred' ... opens the clause this word ends ('LIVES WITH SON
        AND FAMILY IN MONTGOMERY')."""
        for back in range(index - 2, max(-1, index - 8), -1):
            token = self.tokens[back]
            if token.lower in MOVES and token.lower not in NEEDS_PREPOSITION:
                return True
            if re.search(r"[.;:\n]", self._gap(token, self.tokens[back + 1])):
                return False
        return False

    def _after_person_phrase(self, index: int) -> bool:
        """Whether 'spoke with', 'contact person', 'ask to page' ... comes right before `tokens[index]`."""
        if index < 2 or self.tokens[index - 1].lower not in PHRASE_ENDS or self.tokens[index].start - self.tokens[index - 1].end > 4:
            return False
        if (self.tokens[index - 2].lower, self.tokens[index - 1].lower) in PERSON_PHRASES:
            return True
        adverb = self.tokens[index - 2].lower.endswith("ly")  # 'spoken extensively with'
        return adverb and index >= 3 and (self.tokens[index - 3].lower, self.tokens[index - 1].lower) in PERSON_PHRASES

    def _person_after_phrase(self, index: int, token: Token) -> bool:
        """After 'spoke with': a census name that is no word, or two capitalised words in no list."""
        if not self._name_word(token) or token.initial:
            return False
        if token.first or token.listed and not token.vocabulary:
            return True
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return (
            self.cased and token.title_case and not token.vocabulary and following is not None
            and following.title_case and not following.vocabulary and self._gap(token, following) == " "
        )

    def found(self) -> list[Found]:
        """Every name and place span of the note, before merging."""
        tokens = self.tokens
        for index, token in enumerate(tokens):
            if index % 2000 == 0:
                checkpoint()
            lower = token.lower
            if lower in TITLES:
                self._titles(index, token)
            if token.initial:
                self._initials(index, token)
            if lower in CREDENTIALS and index > 0:
                self._credential(index)
            if lower in RELATIVES:
                self._relatives(index, token)
            if lower in FACILITY and index > 0:
                self._facility(index)
            if lower in SAINT:
                self._saint(index)
            if lower in UNIVERSITY:
                self._university(index)
            if index + 1 < len(tokens) and (lower in WEAK_CUES or lower in RELATIVES):
                self._weak(index)
            if token.clinical or token.initial:
                continue
            if self._after_person_phrase(index) and self._person_after_phrase(index, token):
                self._take(self._forward(index, True), PhiCategory.NAME, 0.75)
            after_preposition = index > 0 and tokens[index - 1].lower in PLACE_PREPOSITIONS
            if (self._after_move(index) or after_preposition and self._move_in_clause(index)) and not self._place_phrase(index):
                self._moved(index, token)
            elif after_preposition and (self._place_phrase(index) or self._city(token) and (not token.vocabulary or self.cased and token.title_case)):
                if not any(s <= token.start < e for s, e in self.spans):
                    self._take([token], PhiCategory.LOCATION, 0.7)
            elif not token.vocabulary and len(lower) >= 5 and self._city(token):
                self._take([token], PhiCategory.LOCATION, 0.6)
            if index == 0 or "\n" in self._gap(tokens[index - 1], token):
                self._introduction(index)
            department_next = index + 1 < len(tokens) and tokens[index + 1].lower in DEPARTMENTS
            if not token.vocabulary or department_next:
                if not token.vocabulary and not token.first and len(lower) >= 5:
                    self._ward(index, token)
                self._code_place(index, token)
            if token.title_case and lower in FACILITY_NAME_WORDS:
                self._named_facility(index, token)
            if ":" in self.text[max(0, token.start - 3) : token.start]:
                self._header(index, token)
            if token.listed and not token.vocabulary:
                self._speaker(index, token)
            if token.first:
                self._first_last(index, token)
            elif token.title_case and (not token.vocabulary or token.listed):
                self._capitalised_pair(index, token)
        self._sign_off()
        self._propagate()
        return [(start, end, category, score) for (start, end), (category, score) in self.spans.items()]

    def _propagate(self) -> None:
        """Every other mention of a word found as a name or place, unless the word is vocabulary."""
        starts = [t.start for t in self.tokens]
        known: dict[str, tuple[PhiCategory, float]] = {}
        for (start, end), (category, score) in self.spans.items():
            for token in self.tokens[bisect_left(starts, start) : bisect_right(starts, end)]:
                shortest = 2 if category is PhiCategory.LOCATION else 3
                if token.end > end or token.initial or len(token.lower) < shortest or token.clinical:
                    continue
                if token.lower in TITLES or token.lower in CREDENTIALS or token.lower in STOP or token.lower in FACILITY or token.lower in RELATIVES:
                    continue
                if not token.vocabulary:
                    known[token.lower] = (category, min(score, 0.7))
                elif token.listed and category is PhiCategory.NAME:
                    known[token.text] = (category, min(score, 0.7))  # 'JOHN', 'Smith': only written the same way
        if not known:
            return
        covered = sorted(self.spans)
        covered_starts = [s for s, _ in covered]
        for token in self.tokens:
            key = token.lower if not token.vocabulary else token.text
            if key not in known:
                continue
            at = bisect_right(covered_starts, token.start) - 1
            if at >= 0 and covered[at][1] > token.start:
                continue
            self.spans[(token.start, token.end)] = known[key]


def names_and_places(text: str, lists: WordLists | None = None) -> list[Found]:
    """Every span of a person's or a place's name in `text`, as (start, end, category, confidence)."""
    return NoteScanner(text, lists).found()
