"""Regular-expression rules for the PHI that has a shape: dates, phone numbers, ages over 89, years,
addresses, and the identifiers of HIPAA Safe Harbor (MRN, SSN, e-mail, URL, IP, ...).

Every pattern runs in time linear in the text: each starts behind a look-behind that lets a match
begin only at the start of a run of characters (so a run of '1-1-1-...' is tried once, not at every
position), and every repetition is bounded. tests/test_linear_time.py holds it on hostile input.
The dates know the number forms of clinical notes that are not dates: pain scores (3/10), ventilator
settings (PS 10/5), fractions (1 1/2), strength (5/5), ranges (8-12) and murmur grades (3/6).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .phi_categories import PhiCategory as C

I = re.IGNORECASE
Found = tuple[int, int, C, float]  # start, end, category, confidence


@dataclass(frozen=True)
class Rule:
    """One pattern for a category; the span is its `phi` group, or the whole match.

    `keep` may refuse a match after looking at the text around it. A rule with `starts` (lower-case
    words) is tried only where one of those words begins, with `regex.match`; a rule with `needs`
    (lower-case strings) runs only on a text that holds one of them, and one with `trigger` only on a
    text where that quick pattern matches. Every other rule scans the
    whole text, so it begins with a plain character class and checks what comes before with a
    look-behind placed after that first character: `re` then skips every other position at C speed.
    """

    category: C
    regex: re.Pattern[str]
    score: float
    keep: Callable[[re.Match[str], str], bool] | None = None
    starts: frozenset[str] = frozenset()
    needs: tuple[str, ...] = ()
    trigger: re.Pattern[str] | None = None


def rule(
    category: C,
    pattern: str,
    score: float,
    keep: Callable[[re.Match[str], str], bool] | None = None,
    flags: int = I,
    *,
    starts: str = "",
    needs: tuple[str, ...] = (),
    trigger: str | None = None,
) -> Rule:
    """A `Rule` from a pattern string (case-insensitive unless `flags` says otherwise); `starts` is a
    space-separated list of the words the pattern can begin with."""
    return Rule(category, re.compile(pattern, flags), score, keep, frozenset(starts.split()), needs, re.compile(trigger, I) if trigger else None)


def lead(first: str, not_after: str) -> str:
    """A pattern's first character, `first` (a character class), not preceded by one of `not_after`."""
    return f"{first}(?<!{not_after}{first})"


# The first characters of the scanned rules (see `lead`).
_LEAD0 = lead('[1-9]', r'[\w-]')
_LEAD1 = lead('[12]', r'[\w/.-]')
_LEAD2 = lead('[12]', r'[\w/.:-]')
_LEAD3 = lead('[A-HJ-NPR-Z0-9]', r'[\w-]')
_LEAD4 = lead('[A-Z0-9]', r'[\w-]')
_LEAD5 = lead('[ABFGMPRX]', r'[\w-]')
_LEAD6 = lead('[\'’]', r'[\w\'’]')
_LEAD7 = lead(r'\(', r'[\w/.-]')
_LEAD8 = lead(r'\+', r'[\w/.-]')
_LEAD9 = lead(r'\d', r'[\d-]')
_LEAD10 = lead(r'\d', r'[\d.,/-]')
_LEAD11 = lead(r'\d', r'[\d.]')
_LEAD12 = lead(r'\d', r'[\w-]')
_LEAD13 = lead(r'\d', r'[\w.]')
_LEAD14 = lead(r'\d', r'[\w/.-]')
_LEAD15 = lead(r'\d', r'[\w/.]')
_LEAD16 = lead(r'\d', r'[\w/]')


DECIMAL = re.compile(r"\d{1,3}(?:\.\d{1,2})?")


def has_digit(match: re.Match[str], text: str) -> bool:
    """Identifiers carry at least one digit ('MRN: pending' is none), and are no plain measurement
    ('ID: 98.9 po' is the infectious-disease line of a nursing note)."""
    value = match.group("phi")
    return any(ch.isdigit() for ch in value) and not DECIMAL.fullmatch(value)


# A labelled identifier's value: letters, digits and inner dashes, dots or spaces, 4 to 26 long.
VALUE = r"(?P<phi>(?=[A-Z./-]{0,12}\d)[A-Z0-9](?:[A-Z0-9]|[-./](?=[A-Z0-9])|\s(?=\d)){2,24}[A-Z0-9])"
NUMBER_WORD = r"[ \t]{0,3}(?:number|num\.?|nbr\.?|no\.?|#|id|identifier|code)(?!\w)\.?"


def labelled(category: C, labels: str, score: float = 0.9, value: str = VALUE, *, needs_number_word: bool = False) -> Rule:
    """A value after one of `labels` ('MRN: 12345', 'Acct # A-991'); with `needs_number_word` the label
    must be followed by 'number', 'no.', '#' or 'ID' (for labels that are also everyday words).

    `labels` is written as words separated by '|' (a space inside a label is any run of blanks); the
    rule is tried where the first word of one of them begins.
    """
    number_word = f"(?:{NUMBER_WORD})" + ("" if needs_number_word else "?")
    alternatives = [re.escape(label).replace(r"\ ", r"[ \t]{1,3}") for label in labels.split("|")]
    pattern = rf"(?:{'|'.join(alternatives)})\b\.?{number_word}[ \t]{{0,3}}(?:is|was|of)?[ \t]{{0,3}}[:#=]?[ \t]{{0,3}}#?[ \t]{{0,3}}{value}"
    starts = " ".join({re.match(r"[a-z]+", label.lower()).group() for label in labels.split("|")})
    return rule(category, pattern, score, has_digit, starts=starts)


def labelled_both(category: C, strong: str, weak: str, score: float = 0.9) -> list[Rule]:
    """Rules for labels that may stand alone (`strong`) and labels that need a number word (`weak`)."""
    return [labelled(category, strong, score), labelled(category, weak, score, needs_number_word=True)]


# ---------------------------------------------------------------- phone and fax

PHONE_LEAD = lead(r"\d", r"[\w/.]")  # '---301 944-5032' after a dash is a number too
PHONE_BODY = (
    rf"(?:{_LEAD8}1[ \t.-]?(?:\(\d{{3}}\)|\d{{3}})|{_LEAD7}\d{{3}}\)|{PHONE_LEAD}\d\d)"
    r"[ \t]?[.-]?[ \t]?\d{3}[ \t]?[.-]?[ \t]?\d{4}(?:[ \t]?(?:x|ext\.?|extension)[ \t]?\d{1,5}\.?)?"
)
MEASURE_BEFORE = re.compile(r"(?:\bbp|\bhr|\brr|\btv|\bvt|\bsbp|\bmap|\bcvp|\bci|\bco|\bx)\W{0,3}$", I)
MEASURE_AFTER = re.compile(r"\s?(?:cc|ml|mg|u\b|units|%)", I)


def _not_a_measure(match: re.Match[str], text: str) -> bool:
    """'410 392 0780' is a number; '120 140 1500' after 'BP' or before 'cc' is not."""
    before = text[max(0, match.start() - 12) : match.start()]
    return not MEASURE_BEFORE.search(before) and not MEASURE_AFTER.match(text, match.end())


PHONE_WORD_BEFORE = re.compile(r"(?:call|phone|cell|home|work|tel|#|at|number|office|reached)\W{0,4}$", I)
PHONES = [
    rule(C.PHONE, rf"(?P<phi>{PHONE_BODY})(?![\w/-]|\.\d)", 0.9, _not_a_measure),
    rule(C.PHONE, rf"(?P<phi>{_LEAD14}\d{{5}}-\d{{4}})(?![\w/-])", 0.8),  # 202232-4455: a slip of the pen
    rule(
        C.PHONE,
        rf"(?P<phi>{_LEAD14}\d\d-\d{{4}})(?![\w/-]|\.\d)",
        0.7,
        lambda m, t: bool(PHONE_WORD_BEFORE.search(t, max(0, m.start() - 25), m.start())),
    ),
    rule(
        C.PHONE,
        r"(?:pager|beeper|pg|page|bpr|ext|extension|x)\b[ \t]{0,3}[:#]?[ \t]{0,2}(?:#|no\.?|number)?[ \t]{0,2}[:#]?[ \t]{0,2}(?P<phi>\d{4,5})(?![\w/.-])",
        0.7,
        starts="pager beeper pg page bpr ext extension x",
    ),
    rule(
        C.PHONE,
        r"(?:phone|ph|tel|telephone|cell|mobile|home|work|contact|call|callback|office)\b\.?[ \t]{0,3}(?:#|no\.?|number)?[ \t]{0,2}[:#]?[ \t]{0,2}(?P<phi>\d{10})\b",
        0.85,
        starts="phone ph tel telephone cell mobile home work contact call callback office",
    ),
]

# ---------------------------------------------------------------- e-mail, URL, IP


def _valid_ipv6(match: re.Match[str], text: str) -> bool:
    candidate = match.group("phi")
    if candidate.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _valid_ipv4(match: re.Match[str], text: str) -> bool:
    return all(int(part) <= 255 for part in match.group("phi").split("."))


TLDS = ("com", "org", "net", "edu", "gov", "io", "health", "info", "us", "me", "co")
CONTACT = [
    rule(C.EMAIL, r"(?<![\w.%+-])(?P<phi>[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24})(?![\w-])", 0.95, trigger=r"\w@[A-Za-z0-9-]{1,63}\."),
    rule(C.URL, r"(?<![\w.])(?P<phi>(?:https?|ftp)://[^\s<>\"'()\[\]]{0,2000}[^\s<>\"'()\[\].,;:!?])", 0.95, needs=("://",)),
    rule(C.URL, r"(?<![\w.])(?P<phi>www\.[^\s<>\"'()\[\]]{0,2000}[^\s<>\"'()\[\].,;:!?])", 0.9, needs=("www.",)),
    rule(
        C.URL,
        rf"(?<![@\w.-])(?P<phi>[a-z0-9-]{{0,62}}[a-z][a-z0-9-]{{0,62}}\.(?:[a-z0-9-]{{1,63}}\.){{0,5}}(?:{'|'.join(TLDS)})(?:/[^\s<>\"'()]{{0,2000}}[^\s<>\"'().,;:!?])?)(?![\w@-])",
        0.75,
        trigger=rf"[a-z0-9]\.(?:{'|'.join(TLDS)})(?![a-z0-9-])",
    ),
    rule(C.IP_ADDRESS, rf"(?P<phi>{_LEAD11}\d{{0,2}}\.\d{{1,3}}\.\d{{1,3}}\.\d{{1,3}})(?!\.?\d)", 0.9, _valid_ipv4),
    rule(C.IP_ADDRESS, r"(?<![\w:])(?P<phi>[0-9A-Fa-f:]{2,39})(?![\w:])", 0.9, _valid_ipv6, trigger=r"[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f]{0,4}"),
]

# ---------------------------------------------------------------- identifiers with labels

SSN_VALUE = r"(?P<phi>\d{3}[- ]?\d{2}[- ]?\d{4})"
MBI = rf"(?P<phi>{_LEAD0}[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{{2}}\d{{2}})(?![\w-])"
VIN = r"(?P<phi>[A-HJ-NPR-Z0-9]{17})"
UDI = r"(?P<phi>\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9-]{1,40}){0,6})"


def _vin_shape(match: re.Match[str], text: str) -> bool:
    value = match.group("phi")
    return sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 2


SETTING = re.compile(r"\d+X\d+|\d(?:CC|U|ML|MG|PM|AM|HR|MCG)$|^(?:AC|HR|BP|PS|CPAP|SIMV|IMV|PEEP)|-UP$|^UP-")


def _code_shape(match: re.Match[str], text: str) -> bool:
    """An unlabelled code counts with two letters and five digits or more ('AB-48211', not 'PB7200'),
    and never as a ventilator setting or a volume ('600X12', '40-140CC', 'AC-20-50-400-5')."""
    value = match.group("phi")
    digits, letters = sum(c.isdigit() for c in value), sum(c.isalpha() for c in value)
    return digits >= 5 and letters >= 2 and not SETTING.search(value)


def _valid_ssn(match: re.Match[str], text: str) -> bool:
    area, group, serial = match.group("phi").split("-")
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


IDENTIFIERS = [
    rule(C.SSN, rf"(?P<phi>{_LEAD9}\d\d-\d\d-\d{{4}})(?![\d-])", 0.85, _valid_ssn),
    labelled(C.SSN, "SSN|SS#|social security|soc sec", 0.95, SSN_VALUE),
    *labelled_both(C.MRN, "MRN|MR#|med rec|medical rec|medical record|med record|EMPI", "MR|chart|patient|pt|hospital|hosp|unit|record|registration"),
    *labelled_both(
        C.HEALTH_PLAN,
        "medicare|medicaid|MBI|HICN|subscriber|beneficiary|policy|BCBS|blue cross|aetna|cigna|humana|united healthcare|unitedhealthcare|UHC|kaiser|tricare|anthem|medigap",
        "member|insurance|insurer|plan|group|payer|payor|coverage|health plan|HMO|PPO",
    ),
    rule(C.HEALTH_PLAN, MBI, 0.85, flags=0),
    *labelled_both(C.ACCOUNT, "account|acct|FIN|CSN|HAR|invoice", "billing|bill|financial|encounter|enc|visit|bank|routing|statement"),
    *labelled_both(C.LICENSE, "DEA|NPI|license|licence|lic|certificate|cert|DL|drivers license|driver's license|driver license|CLIA|UPIN", "board|permit|certification|registration"),
    rule(C.LICENSE, rf"(?P<phi>{_LEAD5}[A-Z]\d{{7}})(?![\w-])", 0.75, flags=0),
    labelled(C.VEHICLE, "VIN|vehicle identification|vehicle", 0.95, VIN),
    labelled(C.VEHICLE, "license plate|licence plate|plate|plates", 0.9, r"(?P<phi>[A-Z0-9](?:[A-Z0-9]|[- ](?=[A-Z0-9])){1,8}[A-Z0-9])"),
    labelled(C.VEHICLE, "tag|registration", 0.9, needs_number_word=True),
    rule(C.VEHICLE, rf"{_LEAD3}(?<=(?P<phi>[A-HJ-NPR-Z0-9]))[A-HJ-NPR-Z0-9]{{16}}(?![\w-])", 0.7, flags=0, keep=None),
    *labelled_both(
        C.DEVICE,
        "serial|S/N|SN|UDI|IMEI|MEID|ESN",
        "device|lot|implant|pacemaker|defibrillator|AICD|pump|CGM|monitor|generator|stimulator|hearing aid|MAC",
    ),
    rule(C.DEVICE, UDI, 0.95, needs=("(01)",)),
    rule(
        C.BIOMETRIC,
        r"(?:finger[ \t]?prints?|thumb[ \t]?prints?|retina(?:l)?(?:[ \t]+scan)?|iris(?:[ \t]+scan)?|voice[ \t]?prints?|"
        r"palm[ \t]?prints?|face[ \t]?prints?|facial[ \t]+(?:recognition|geometry|scan)|biometric|gait|DNA[ \t]+profile|"
        r"hand[ \t]+geometry|vein[ \t]+pattern)\b(?:[ \t]+(?:scan|template|record|enrollment|enrolment|hash|signature|"
        r"sample|match|profile|data|on[ \t]+file)){0,3}[ \t]{0,3}(?:ID|#|no\.?|number|code|identifier|hash|key|ref)?[ \t]{0,3}[:#=]?[ \t]{0,3}"
        + VALUE,
        0.9,
        has_digit,
        starts="finger fingerprint fingerprints thumb thumbprint thumbprints retina retinal iris voice voiceprint voiceprints palm palmprint palmprints face faceprint faceprints facial biometric gait dna hand vein",
    ),
    rule(C.PHOTO, r"(?P<phi>!\[[^\]\n]{0,200}\]\([^)\n]{1,2000}\))", 0.95, needs=("![",)),
    rule(C.PHOTO, r"(?P<phi>data:image/[a-z+.-]{1,20};base64,[A-Za-z0-9+/=]{1,1000000})", 0.99, needs=("data:image",)),
    rule(
        C.PHOTO,
        r"(?<![\w.-])(?P<phi>[\w-][\w.-]{0,100}\.(?:jpe?g|png|gif|bmp|tiff?|heic|heif|webp|dcm))(?![\w-])",
        0.9,
        needs=(".jp", ".png", ".gif", ".bmp", ".tif", ".hei", ".webp", ".dcm"),
    ),
    rule(C.PHOTO, r"(?P<phi>\[(?:[^\]\n]{0,30}\b)?(?:photo|photograph|image|picture|selfie|headshot|snapshot)s?\b[^\]\n]{0,40}\])", 0.85, needs=("[",)),
    rule(
        C.PHOTO,
        r"(?P<phi>(?:full[- ]face|facial|face|patient|clinical|wound|identification|ID)[ \t]+"
        r"(?:photo(?:graph)?s?|pictures?|images?|headshots?)[ \t]+(?:attached|enclosed|uploaded|included|on file|taken|in (?:the )?chart))",
        0.8,
        starts="full facial face patient clinical wound identification id",
    ),
    *labelled_both(
        C.ID,
        "ID|identifier|case|specimen|accession|claim|confirmation|ticket|badge|passport|tracking|barcode|requisition|voucher|docket",
        "order|reference|ref|employee|student|military|sample|kit|study|subject|participant|enrollment|authorization|auth|referral|control|inmate|booking|file",
        0.8,
    ),
    rule(C.ID, rf"(?P<phi>{_LEAD4}(?=(?:[A-Z-]{{0,20}}\d){{4}})(?:[A-Z0-9]|-(?=[A-Z0-9])){{5,40}})(?![\w-])", 0.45, _code_shape, flags=0),
    rule(C.ID, rf"(?P<phi>{_LEAD10}\d{{6,}})(?![\d.,/-]|\s?(?:mg|mcg|ml|cc|units?|cells|copies))", 0.45),
    rule(C.ID, r"(?:policy|protocol)[ \t]{0,2}#[ \t]{0,2}(?P<phi>[a-z]{1,4}\d{1,6})\b", 0.6, starts="policy protocol"),
]

# ---------------------------------------------------------------- dates, years and ages over 89

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_ALONE = r"(?:january|february|april|june|july|august|sept|september|october|nov|november|december|feb|apr|aug|sep|oct)"
MONTH_WORDS = "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december"
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
YEAR = r"(?:(?:1[89]|20)\d{2}|'\d{2}|\d{2})"
DATE_CUE = re.compile(
    r"(?:\bon|\bf/u|\bfrom|\bsince|\buntil|\btill|\bthru|\bthrough|\bof|\bdated?|\bpost|\bs/p|\bbefore|\bafter|\bby|\bstarted|"
    r"\bdone|\bplaced|\bdrawn|\bsent|\bextubated|\bintubated|\badmitted|\badm|\bdischarged|\btransferred|\bleft|\b(?:am|pm)|->|-)\W{0,3}$",
    I,
)
NOT_DATE_BEFORE = re.compile(
    r"(?:\bps|\bpsv|\bpeep|\bcpap|\bbi-?pap|\bips|\bimv|\bsimv|\bvent\w*|\bmask|\bflowby|\bac|\bpain|\bc/o|\bcp|\bscale|\bscore|"
    r"\brated?|\bgrade|\bstrength|\bperrla|\bpupils?|\bco/ci|\bci|\bco|\bmurmur|\bsem|\bcrackles|\bls|\bbs|\bcx|#|\+|~)\W{0,3}$",
    I,
)
NOT_DATE_AFTER = re.compile(
    r"[ \t]?(?:/|%|\s?pain|\s?scale|\s?strength|\s?sem|\s?murmur|\s?hsm|\s?(?:up|of|way|rate|ns|nss|amp|hrs?|hours?|tab|peep|ps|ips|psv|cpap|bipap|c|fio2|\d{2}%))\b",
    I,
)
VENT_NEAR = re.compile(r"(?:\bps|\bpsv|\bpeep|\bcpap|\bbi-?pap|\bips|\bimv|\bsimv|\bvent\w*|\bsettings?|%|&)(?:\W{1,3}\d{1,4})?\W{0,3}$", I)
EQUAL_PAIR_CUE = re.compile(r"(?:\bpost|\bs/p|\bsince|\buntil|\bdated?)\W{0,3}$", I)
FRACTIONS = {"1/2", "1/3", "1/4", "2/3", "3/4", "1/8"}
PAIN_WORDS = re.compile(r"pain|c/o|cp\b|scale|discomfort|relie[fv]|medicated|rates?\b|rated|level|tolerable|#", I)


def _valid_month_day(month: str, day: str) -> bool:
    return 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _month_day(match: re.Match[str], text: str) -> bool:
    """A month/day is a date unless it reads as a score, a setting, a fraction or a grade.

    'on 9/11', 'from 8/23', '8/28' alone: dates. 'pain 3/10', 'PS 10/5', '1 1/2 hrs', '5/5 strength',
    '+3/6 SEM', 'PERRLA 3/3': not. A date word right before it ('on', 'from', 'since', 's/p') wins
    over everything but a fraction, a scale out of 10 or an equal pair ('5/5').
    """
    start, end = match.span("phi")
    value = match.group("phi")
    pairs = [part.split("/")[:2] for part in value.split("-")]
    if not all(_valid_month_day(month, day) for month, day in pairs) or len(pairs) > 1 and any("/".join(p) in FRACTIONS for p in pairs):
        return False
    if value.count("/") >= 2 or "-" in value:  # with a year, or a range of two dates
        return True
    month, day = pairs[0]
    before, after = text[max(0, start - 24) : start], text[end : end + 12]
    if value in FRACTIONS:
        return bool(DATE_CUE.search(before)) and not NOT_DATE_AFTER.match(after) and not re.search(r"\d[ \t]$", before)
    if before.endswith("(") and after.startswith(")"):
        return True  # 'EF 35% (3/02)'
    if int(month) == int(day) and int(day) <= 5 and not EQUAL_PAIR_CUE.search(before):
        return False  # 'strength 5/5', 'PERRLA 3/3', '2/2' (secondary to)
    if day == "10" and PAIN_WORDS.search(before + after):
        return False
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isdigit():
        return False  # '1-2/10'
    if VENT_NEAR.search(before) or NOT_DATE_AFTER.match(after) and re.match(r"[ \t]?(?:bi-?pap|cpap|peep|ps|ips|psv|c|fio2|\d{2}%)\b", after, I):
        return False
    if DATE_CUE.search(before):
        return True
    return not (NOT_DATE_BEFORE.search(before) or NOT_DATE_AFTER.match(after))


def _numeric_date(match: re.Match[str], text: str) -> bool:
    """'10-18-20', '10.22.03': month and day in range."""
    month, day = re.split(r"[-.]", match.group("phi"))[:2]
    return _valid_month_day(month, day)


def _month_year(match: re.Match[str], text: str) -> bool:
    """A month and a two-digit year no day can be ('S/P UTI 6/85', 'CABG 1/78'): not a ratio or a score."""
    month, year = match.group("phi").split("/")
    before = text[max(0, match.start() - 24) : match.start()]
    return 1 <= int(month) <= 12 and int(year) >= 32 and not NOT_DATE_BEFORE.search(before) and not VENT_NEAR.search(before)


def _two_digit_year(match: re.Match[str], text: str) -> bool:
    """'CVA in 94 and 00': a year in two digits after 'in' or 'since' (50 or more, or a pair)."""
    return match.group("second") is not None or int(match.group("phi")) >= 50


def _iso_date(match: re.Match[str], text: str) -> bool:
    _, month, day = re.split(r"[-/.]", match.group("phi"))
    return _valid_month_day(month, day)


TIME_BEFORE = re.compile(r"(?:@|\bat|\bby|\bfrom|\buntil|\btill|\bstarting|\bq|\bx|-|>|\d[ \t]?)\W{0,2}$", I)
TIME_AFTER = re.compile(r"\s?(?:-|>|to\b|hrs?\b|hours\b|h\b|am\b|pm\b|cc|ml|mg|mcg|units?\b|u\b|kcal|cal\b|%|/|\.\d|:\d|x\b)", I)
YEAR_BEFORE = re.compile(r"(?:\bsince|\bin|\bof|\byear|\byr|\bis|\bits|\bit's|\bwas|\bborn|\bsays|\bstated?|\bsaying|\bbefore|\bafter)\W{0,3}$", I)


def _a_year(match: re.Match[str], text: str) -> bool:
    """A year: '1999', 'since 2006', 'in 1980s'; not a time ('@ 2000', '1900 - 0700') or a volume."""
    start, end = match.span("phi")
    if not 1800 <= int(match.group("phi")[:4]) <= 2099:
        return False
    before = text[max(0, start - 12) : start]
    if TIME_BEFORE.search(before) or TIME_AFTER.match(text, end):
        return False
    return bool(YEAR_BEFORE.search(before)) or match.group("phi")[-1] in "sS"


def _over_89(match: re.Match[str], text: str) -> bool:
    return 90 <= int(match.group("phi")) <= 119


AMBIGUOUS_MONTHS = re.compile(r"\b(?:may|dec|mar|jan)\b", I)  # also 'may', 'decrease', 'march', a name


def _capital_may(match: re.Match[str], text: str) -> bool:
    """'may', 'dec', 'mar' are a month only when written 'May', or with a four-digit year, or after
    'in', 'on', 'since' ('last used in may 15'); 'DEC' in capitals is 'decrease'."""
    found = AMBIGUOUS_MONTHS.search(match.group("phi"))
    if found is None or found.group()[0].isupper() and found.group()[1:].islower():
        return True
    if re.search(r"\d{4}", match.group("phi")):
        return True
    return bool(re.search(r"\b(?:in|on|since|of|from|until|is|tomorrow|,)\W{0,3}$", text[max(0, match.start() - 12) : match.start()], I))


ORDINAL_BEFORE = re.compile(r"\bthe\W{0,3}$", I)
ORDINAL_AFTER = re.compile(r"[ \t]*(?:[.,;:!?)\n\"']|$|of\b|at\b|and\b|or\b)", I)


def _ordinal_day(match: re.Match[str], text: str) -> bool:
    """'on the 11th.', "it's the 11th": a day of the month after 'the' and before the clause ends
    (not 'the 1st dose', '1st step mattress')."""
    if int(re.match(r"\d+", match.group("phi")).group()) > 31:
        return False
    return bool(ORDINAL_BEFORE.search(text, max(0, match.start() - 8), match.start())) and bool(ORDINAL_AFTER.match(text, match.end()))


D1 = lead(r"\d", r"[\w/.:]")
DATES = [
    rule(C.DATE, rf"(?P<phi>{MONTH}\.?,?[ \t]{{1,3}}{DAY}(?:,?[ \t]{{1,3}}{YEAR})?)(?![\w/])", 0.85, _capital_may, starts=MONTH_WORDS),
    rule(C.DATE, rf"(?P<phi>{MONTH}\.?,?[ \t]{{1,3}}(?:(?:19|20)\d{{2}}|'\d{{2}}))(?!\w)", 0.8, _capital_may, starts=MONTH_WORDS),
    rule(C.DATE, rf"(?P<phi>{MONTH})\.?,?[ \t]{{1,3}}\d{{2}}(?![\w/])", 0.6, _capital_may, starts=MONTH_WORDS),
    rule(C.DATE, rf"(?P<phi>{_LEAD16}\d?(?:st|nd|rd|th)?[ \t]{{1,3}}(?:of[ \t]+)?{MONTH}\.?(?:,?[ \t]{{1,3}}{YEAR})?)(?![\w/])", 0.85, _capital_may),
    rule(C.DATE, rf"(?P<phi>{_LEAD16}\d?[-/ ]?{MONTH}[-/ ]?\d{{2,4}})(?!\w)", 0.85, _capital_may),
    rule(C.DATE, rf"(?P<phi>{_LEAD1}\d{{3}}[-/.]\d\d?[-/.]\d\d?)(?![\w/-])", 0.9, _iso_date),
    rule(C.DATE, rf"(?P<phi>{D1}\d?/\d\d?(?:/\d\d(?:\d\d)?)?(?:-\d\d?/\d\d?(?:/\d\d(?:\d\d)?)?)?)(?![\w/%]|\.\d|-\d)", 0.8, _month_day),
    rule(C.DATE, rf"(?P<phi>{D1}\d?/\d\d)(?![\w/%]|\.\d|-\d)", 0.7, _month_year),
    rule(C.DATE, rf"(?P<phi>{_LEAD16}\d?[ \t]?(?:->|-|to)[ \t]?\d\d?[ \t]{{1,3}}{MONTH})\b", 0.7, _capital_may),
    rule(C.DATE, rf"(?:in|since|during|until|early|late|mid|of)[ \t]{{1,3}}(?P<phi>{MONTH_ALONE})\b\.?(?![ \t]*\d)", 0.6, starts="in since during until early late mid of"),
    rule(C.DATE, r"(?:in|since)[ \t]{1,3}(?P<phi>\d\d)(?:[ \t]{1,3}and[ \t]{1,3}(?P<second>\d\d))?(?![\w%/.-]|'?s\b|[ \t]*(?:%|mins?\b|minutes|hrs?\b|hours|days|weeks|wks|months|mos|yrs|years|cc|ml|mg|sec|seconds|x\b))", 0.6, _two_digit_year, starts="in since"),
    rule(C.DATE, rf"(?P<phi>{_LEAD14}\d?-\d\d?-\d\d(?:\d\d)?)(?![\w/-])", 0.85, _numeric_date),
    rule(C.DATE, rf"(?P<phi>{_LEAD15}\d?\.\d\d?\.\d\d(?:\d\d)?)(?![\w/.])", 0.75, _numeric_date),
    rule(C.DATE, rf"(?P<phi>{_LEAD14}\d?(?:st|nd|rd|th))\b(?![ \t]*(?:degree|day|hour|grade|time|floor|percentile|intercostal|ics|rib|toe|finger|digit|cranial|nerve))", 0.7, _ordinal_day),
    rule(C.DATE, r"(?:DOB|D\.O\.B\.?|date of birth|born)[ \t]{0,3}[:#]?[ \t]{0,3}(?:on[ \t]+)?(?P<phi>\d{8})\b", 0.9, starts="dob d date born"),
    rule(
        C.DATE,
        rf"(?P<phi>(?:christmas|thanksgiving|new year'?s(?: day| eve)?|independence day|easter|halloween|"
        rf"valentine'?s day|memorial day|labor day)(?:[ \t]+(?:day|eve))?(?:,?[ \t]+{YEAR})?)\b",
        0.6,
        starts="christmas thanksgiving new independence easter halloween valentine valentines memorial labor",
    ),
    rule(C.DATE, rf"(?P<phi>{_LEAD6}\d\d)(?![\w'’])", 0.7),
    rule(C.DATE, rf"(?P<phi>{_LEAD2}\d{{3}}[sS]?)(?![\w/:-]|\.\d)", 0.7, _a_year),
    rule(C.AGE, rf"(?P<phi>{_LEAD13}\d\d?)[ \t]?-?[ \t]?(?:years?|yrs?|y)\.?[ \t]?-?[ \t]?(?:old|o\b|o\.)", 0.9, _over_89),
    rule(C.AGE, rf"(?P<phi>{_LEAD13}\d\d?)[ \t]?-?[ \t]?(?:y/o|yo|y\.o\.|yoa)(?!\w)", 0.9, _over_89),
    rule(C.AGE, r"(?:age|aged|ages)[ \t]{0,2}:?[ \t]{0,2}(?:of[ \t]+)?:?[ \t]{0,2}(?P<phi>\d{2,3})\b", 0.85, _over_89, starts="age aged ages"),
    rule(C.AGE, rf"(?P<phi>{_LEAD13}\d\d?)[ \t]?(?:M|F|yo[MF]|y[MF])\b", 0.75, _over_89, flags=0),
    rule(C.AGE, r"\n[ \t]{0,8}(?P<phi>\d{2,3})[ \t]+(?:s/p|w/|with|yr|year|male|female|man|woman|gentleman|lady)\b", 0.75, _over_89),
    rule(C.AGE, r"in[ \t]+(?:his|her|their)[ \t]+(?P<phi>(?:90|100)'?s|nineties)\b", 0.8, starts="in"),
    rule(C.AGE, r"(?P<phi>(?:nonagenarian|centenarian)s?)\b", 0.8, starts="nonagenarian nonagenarians centenarian centenarians"),
]

# ---------------------------------------------------------------- street addresses, ZIP codes

STATE_ABBR = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
STATE_NAME = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|"
    "North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|"
    "Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico"
)
STATE = rf"(?:(?-i:{STATE_ABBR})|{STATE_NAME})"
STATE_BEFORE = re.compile(rf"\b{STATE}\.?,?[ \t]{{1,3}}$", I)
STREET_SUFFIX = (
    r"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|"
    r"Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Loop|Row|Pike|Alley|Plaza|Path|Crossing|Xing|Run|Ridge|Heights|"
    r"Hts|Point|Pt|Turnpike|Tpke|Expressway|Expy|Freeway|Fwy|Route|Rte|Walk|Close|Cove|Bend|Glen|Hollow|Mews|Green"
)
CAP = r"(?:[A-Z][A-Za-z'-]{0,30}|\d{1,4}(?:st|nd|rd|th))"
STREET_ANY_CASE = (
    r"Street|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Terrace|Circle|Highway|Hwy|Parkway|Pkwy|"
    r"Turnpike|Tpke|Expressway|Expy|Freeway|Fwy|Route|Rte"
)
UNIT = r"(?:,?[ \t]{1,3}(?i:Apt|Apartment|Unit|Suite|Ste|#|Rm|Room|Bldg|Building|Fl|Floor|Lot|Space)\.?[ \t]{0,3}#?[ \t]{0,3}[A-Za-z0-9-]{1,10})"
CITY_LEAD = lead("[A-Z]", r"[\w-]")
ADDRESSES = [
    rule(C.LOCATION, rf"(?P<phi>{CITY_LEAD}[a-z]{{1,30}}(?:[ \t][A-Z][a-z]{{1,30}}){{0,2}}),[ \t]{{1,2}}(?:{STATE_ABBR})\b[ \t]{{1,2}}\d{{5}}", 0.85, flags=0),
    rule(C.LOCATION, rf"(?P<phi>{CITY_LEAD}[a-z]{{1,30}}(?:[ \t][A-Z][a-z]{{1,30}}){{0,2}}[ \t](?:County|Parish|Borough|Township))\b", 0.85, flags=0),
    rule(
        C.LOCATION,
        rf"(?P<phi>{_LEAD12}\d{{0,5}}[A-Za-z]?[ \t]{{1,3}}(?:[NSEW]\.?[ \t]{{1,3}}|North[ \t]{{1,3}}|South[ \t]{{1,3}}|East[ \t]{{1,3}}|West[ \t]{{1,3}})?"
        rf"(?:{CAP}[ \t]{{1,3}}){{1,3}}(?:(?i:{STREET_ANY_CASE})|(?:{STREET_SUFFIX}))\b\.?{UNIT}?)",
        0.9,
        flags=0,
    ),
    rule(C.LOCATION, r"(?P<phi>P\.?[ \t]?O\.?[ \t]{1,3}Box[ \t]{1,3}\d{1,8})\b", 0.9, starts="p po"),
    rule(C.ZIP, rf"(?P<phi>{_LEAD12}\d{{4}}(?:-\d{{4}})?)(?![\w-])", 0.9, lambda m, t: bool(STATE_BEFORE.search(t, max(0, m.start() - 20), m.start()))),
    rule(C.ZIP, r"(?:zip|zip code|zipcode|postal code|postcode)[ \t]{0,3}[:#]?[ \t]{0,3}(?P<phi>\d{5}(?:-\d{4})?)\b", 0.95, starts="zip zipcode postal postcode"),
    rule(C.ZIP, rf"(?P<phi>{_LEAD12}\d{{4}}-\d{{4}})(?![\w-])", 0.8),
]

RULES: list[Rule] = [*PHONES, *CONTACT, *IDENTIFIERS, *DATES, *ADDRESSES]
SCANNED = [r for r in RULES if not r.starts]
BY_WORD: dict[str, list[Rule]] = {}
for _rule in RULES:
    for _word in _rule.starts:
        BY_WORD.setdefault(_word, []).append(_rule)
WORD = re.compile(r"[A-Za-z]+")


def find_patterns(text: str) -> Iterator[Found]:
    """Every span a rule matches in `text`, as (start, end, category, confidence)."""
    lowered = text.lower()
    for found in SCANNED:
        if found.needs and not any(need in lowered for need in found.needs):
            continue
        if found.trigger is not None and found.trigger.search(text) is None:
            continue
        yield from _kept(found, found.regex.finditer(text), text)
    for word in WORD.finditer(lowered):
        for found in BY_WORD.get(word.group(), ()):
            match = found.regex.match(text, word.start())
            if match is not None:
                yield from _kept(found, (match,), text)


def _kept(found: Rule, matches: Iterable[re.Match[str]], text: str) -> Iterator[Found]:
    for match in matches:
        if found.keep is not None and not found.keep(match, text):
            continue
        start, end = match.span("phi") if "phi" in found.regex.groupindex else match.span()
        if end > start:
            yield start, end, found.category, found.score
        if "second" in found.regex.groupindex and match.group("second") is not None:
            yield *match.span("second"), found.category, found.score  # 'in 94 and 00'
