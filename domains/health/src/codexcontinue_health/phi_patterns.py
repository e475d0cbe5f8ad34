"""Presidio recognisers for every PHI category but names: patterns with the clinical context around them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .name_lists import DATA, name_lists
from .phi_categories import PhiCategory as C

I = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    """One regular expression for a category; the span is its `phi` group, or the whole match.

    `keep` may refuse a match after looking at the text around it.
    """

    regex: re.Pattern[str]
    score: float
    keep: Callable[[re.Match[str], str], bool] | None = None


class RuleRecognizer(EntityRecognizer):
    """A presidio recogniser made of `Rule`s for one category."""

    def __init__(self, category: C, rules: Iterable[Rule]) -> None:
        self.category = category
        self.rules = list(rules)
        super().__init__(supported_entities=[category.value], name=f"health-{category.value.lower()}")

    def load(self) -> None:
        """Nothing to load: the rules are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Every span a rule matches in `text`."""
        results = []
        for rule in self.rules:
            for match in rule.regex.finditer(text):
                if rule.keep is not None and not rule.keep(match, text):
                    continue
                start, end = match.span("phi") if "phi" in rule.regex.groupindex else match.span()
                if end > start:
                    results.append(RecognizerResult(self.category.value, start, end, rule.score))
        return results


def rule(pattern: str, score: float, keep: Callable[[re.Match[str], str], bool] | None = None, flags: int = I) -> Rule:
    """A `Rule` from a verbose-free pattern string."""
    return Rule(re.compile(pattern, flags), score, keep)


def has_digit(match: re.Match[str], text: str) -> bool:
    """Identifiers carry at least one digit; this keeps 'MRN: pending' from being taken."""
    return any(ch.isdigit() for ch in match.group("phi"))


# A labelled identifier's value: letters, digits and inner dashes, spaces or dots, at least 4 long.
VALUE = r"(?P<phi>(?=[A-Z./-]{0,12}\d)[A-Z0-9](?:[A-Z0-9]|[-./](?=[A-Z0-9])|\s(?=\d)){2,24}[A-Z0-9])"
NUMBER_WORD = r"\s*(?:number|num\.?|nbr\.?|no\.?|#|id|identifier|code)(?!\w)\.?"


def labelled(labels: str, score: float = 0.9, value: str = VALUE, *, needs_number_word: bool = False) -> Rule:
    """A value after one of `labels` ('MRN: 12345', 'Acct # A-991', 'serial no. X12').

    With `needs_number_word`, the label must be followed by 'number', 'no.', '#' or 'ID'
    ('patient ID 4471' but not 'patient 2019'): for labels that are also everyday words.
    """
    number_word = f"(?:{NUMBER_WORD})" + ("" if needs_number_word else "?")
    return rule(rf"\b(?:{labels})\b\.?{number_word}\s*(?:is|was|of)?\s*[:#=]?\s*#?\s*{value}", score, has_digit)


def labelled_both(strong: str, weak: str, score: float = 0.9) -> list[Rule]:
    """Rules for labels that may stand alone (`strong`) and labels that need a number word (`weak`)."""
    return [labelled(strong, score), labelled(weak, score, needs_number_word=True)]


# ---------------------------------------------------------------- contact: phone, fax, email, URL, IP

PHONE = (
    r"(?<![\w/.-])(?P<phi>(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?)(?![\w/-])"
)
PHONE_LABELS = r"phone|ph|tel|telephone|cell|mobile|home|work|pager|beeper|contact|call|callback|call back|c|h|w|p"
FAX_LABEL = re.compile(r"(fax|facsimile|\bf\s*:|\bf\b)|(phone|ph|tel|cell|mobile|home|work|pager|call|\bp\s*:|\bc\s*:)", I)


class PhoneRecognizer(EntityRecognizer):
    """Telephone numbers, and fax numbers where the nearest label before the number says fax."""

    patterns = (
        re.compile(PHONE, I),
        re.compile(rf"\b(?:{PHONE_LABELS}|fax)\b\.?\s*(?:#|no\.?|number)?\s*[:#]?\s*(?P<phi>\d{{10}})\b", I),
        re.compile(r"(?<![\w-])(?P<phi>\d{3}-\d{4})(?![\w-])", I),
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=[C.PHONE.value, C.FAX.value], name="health-phone")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Phone and fax numbers in `text`."""
        results = []
        for number, pattern in enumerate(self.patterns):
            for match in pattern.finditer(text):
                start, end = match.span("phi")
                before = text[max(0, start - 30) : start]
                if number == 2 and not FAX_LABEL.search(before):
                    continue  # a seven-digit local number only next to a phone or fax label
                labels = FAX_LABEL.findall(before)
                is_fax = bool(labels) and bool(labels[-1][0])
                score = 0.85 if number != 2 else 0.6
                results.append(RecognizerResult((C.FAX if is_fax else C.PHONE).value, start, end, score))
        return results


def _valid_ipv6(match: re.Match[str], text: str) -> bool:
    candidate = match.group("phi")
    if candidate.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


CONTACT = {
    C.EMAIL: [rule(r"(?P<phi>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b", 0.95)],
    C.URL: [
        rule(r"(?P<phi>\b(?:https?|ftp)://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?])", 0.95),
        rule(r"(?P<phi>\bwww\.[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?])", 0.9),
        rule(
            r"(?<![@\w.])(?P<phi>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|health|info|us|me|co)"
            r"(?:/[^\s<>\"'()]*[^\s<>\"'().,;:!?])?)(?![\w@])",
            0.75,
        ),
    ],
    C.IP_ADDRESS: [
        rule(r"(?<![\d.])(?P<phi>(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))(?!\.?\d)", 0.9),
        rule(r"(?<![\w:])(?P<phi>[0-9A-Fa-f:]{2,39})(?![\w:])", 0.9, _valid_ipv6),
    ],
}

# ---------------------------------------------------------------- identifiers with labels

SSN_VALUE = r"(?P<phi>\d{3}[- ]?\d{2}[- ]?\d{4})"
MBI = r"(?P<phi>\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}\b)"
VIN = r"(?P<phi>\b[A-HJ-NPR-Z0-9]{17}\b)"
UDI = r"(?P<phi>\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9-]+)*)"


def _vin_shape(match: re.Match[str], text: str) -> bool:
    value = match.group("phi")
    return sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 2


IDENTIFIERS = {
    C.SSN: [
        rule(r"(?<![\d-])(?P<phi>(?!000|666)\d{3}-(?!00)\d{2}-(?!0000)\d{4})(?![\d-])", 0.85),
        labelled(r"SSN|SS#|social security|soc sec", 0.95, SSN_VALUE),
    ],
    C.MRN: labelled_both(
        r"MRN|MR#|med(?:ical)?\.?\s*rec(?:ord)?s?\.?|medical record|EMPI",
        r"MR|chart|patient|pt|hospital|hosp|unit|record|registration",
    ),
    C.HEALTH_PLAN: [
        *labelled_both(
            r"medicare|medicaid|MBI|HICN|subscriber|beneficiary|policy|BCBS|blue cross|aetna|cigna|humana|"
            r"united\s?healthcare|UHC|kaiser|tricare|anthem|medigap",
            r"member|insurance|insurer|plan|group|payer|payor|coverage|health plan|HMO|PPO",
        ),
        rule(MBI, 0.85, flags=0),
    ],
    C.ACCOUNT: labelled_both(
        r"account|acct|FIN|CSN|HAR|invoice",
        r"billing|bill|financial|encounter|enc|visit|bank|routing|statement",
    ),
    C.LICENSE: [
        *labelled_both(
            r"DEA|NPI|licen[cs]e|lic|certificate|cert|DL|driver'?s?\s*licen[cs]e|CLIA|UPIN",
            r"board|permit|certification|registration",
        ),
        rule(r"(?P<phi>\b[ABFGMPRX][A-Z]\d{7}\b)", 0.75, flags=0),
    ],
    C.VEHICLE: [
        labelled(r"VIN|vehicle identification|vehicle", 0.95, VIN),
        labelled(r"(?:licen[cs]e\s+)?plates?", 0.9, r"(?P<phi>[A-Z0-9](?:[A-Z0-9]|[- ](?=[A-Z0-9])){1,8}[A-Z0-9])"),
        labelled(r"tag|registration", 0.9, needs_number_word=True),
        rule(VIN, 0.7, _vin_shape, flags=0),
    ],
    C.DEVICE: [
        *labelled_both(
            r"serial|S/N|SN|UDI|IMEI|MEID|ESN",
            r"device|lot|implant|pacemaker|defibrillator|AICD|pump|CGM|monitor|generator|stimulator|hearing aid|MAC",
        ),
        rule(UDI, 0.95),
    ],
    C.BIOMETRIC: [
        rule(
            r"\b(?:finger\s?prints?|thumb\s?prints?|retina(?:l)?(?:\s+scan)?|iris(?:\s+scan)?|voice\s?prints?|"
            r"palm\s?prints?|face\s?prints?|facial\s+(?:recognition|geometry|scan)|biometric|gait|DNA\s+profile|"
            r"hand\s+geometry|vein\s+pattern)\b(?:\s+(?:scan|template|record|enrollment|enrolment|hash|signature|"
            r"sample|match|profile|data|on\s+file))*\s*(?:ID|#|no\.?|number|code|identifier|hash|key|ref)?\s*[:#=]?\s*"
            + VALUE,
            0.9,
            has_digit,
        ),
    ],
    C.PHOTO: [
        rule(r"(?P<phi>!\[[^\]\n]*\]\([^)\n]+\))", 0.95),
        rule(r"(?P<phi>data:image/[a-z+.-]+;base64,[A-Za-z0-9+/=]+)", 0.99),
        rule(r"(?P<phi>\b[\w-][\w.-]*\.(?:jpe?g|png|gif|bmp|tiff?|heic|heif|webp|dcm))\b", 0.9),
        rule(
            r"(?P<phi>\[(?:[^\]\n]{0,30}\b)?(?:photo|photograph|image|picture|selfie|headshot|snapshot)s?\b[^\]\n]{0,40}\])",
            0.85,
        ),
        rule(
            r"(?P<phi>\b(?:full[- ]face|facial|face|patient|clinical|wound|identification|ID)\s+"
            r"(?:photo(?:graph)?s?|pictures?|images?|headshots?)\s+(?:attached|enclosed|uploaded|included|on file|taken|in (?:the )?chart))",
            0.8,
        ),
    ],
    C.ID: [
        *labelled_both(
            r"ID|identifier|case|specimen|accession|claim|confirmation|ticket|badge|passport|tracking|barcode|"
            r"requisition|voucher|docket",
            r"order|reference|ref|employee|student|military|sample|kit|study|subject|participant|enrollment|"
            r"authorization|auth|referral|control|inmate|booking|file",
            0.8,
        ),
        rule(
            r"(?P<phi>\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){5,}\b)",
            0.45,
            lambda m, t: sum(c.isdigit() for c in m.group("phi")) >= 4,
            flags=0,
        ),
        rule(r"(?<![\d.,/-])(?P<phi>\d{7,})(?![\d.,/-]|\s?(?:mg|mcg|ml|units?|cells|copies))", 0.45),
    ],
}

# ---------------------------------------------------------------- dates and ages over 89

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
YEAR = r"(?:(?:19|20)\d{2}|'\d{2})"
NOT_A_DATE_BEFORE = re.compile(
    r"(?:strength|motor|power|pain|score|scale|rated|rates|grade|murmur|reflex(?:es)?|gcs|apgar|ratio|dilat\w*|"
    r"effacement|station|bp|blood pressure|vision|visual|acuity|hearing|tenderness|dose|doses|x|times|of|"
    r"systolic|diastolic|out of)\W{0,4}$",
    I,
)
NOT_A_DATE_AFTER = re.compile(
    r"^\s*(?:strength|pain|scale|murmur|tabs?|tablets?|cups?|inch(?:es)?|in\b|of\s+(?:a|an|the)\b|doses?|miles?|"
    r"blocks?|pills?|full|mg|mcg|ml|units?|on the|tsp|tbsp|capsules?|caps?|puffs?|sprays?|drops?|times|x\b|"
    r"reflexes|bilaterally|bilat|throughout|in all|in both|with|%)",
    I,
)
DATE_WORDS_BEFORE = re.compile(r"(?:on|since|from|until|till|to|by|dated?|dob|d\.o\.b\.?|born|seen|admitted|discharged|due|last|next|visit|date)\W{0,4}$", I)


def _numeric_date(match: re.Match[str], text: str) -> bool:
    """A month/day without a year is a date unless the words around it say score, fraction or dose."""
    start, end = match.span("phi")
    value = match.group("phi")
    if value.count("/") + value.count("-") >= 2:
        return True
    before, after = text[max(0, start - 20) : start], text[end : end + 20]
    if DATE_WORDS_BEFORE.search(before):
        return True
    if value == "2/2":  # clinical shorthand for "secondary to"
        return False
    return not (NOT_A_DATE_BEFORE.search(before) or NOT_A_DATE_AFTER.search(after))


def _capital_may(match: re.Match[str], text: str) -> bool:
    """'may' counts as the month only when capitalised or written next to a year."""
    value = match.group("phi")
    found = re.search(r"\bmay\b", value, I)
    return found is None or found.group()[0] == "M" or bool(re.search(r"\d{4}", value))


def _not_temperature(match: re.Match[str], text: str) -> bool:
    before = text[max(0, match.start("phi") - 12) : match.start("phi")]
    return not re.search(r"\b(?:temp\w*|t|tmax|fever\w*)\W{0,3}$", before, I)


DATES = {
    C.DATE: [
        rule(rf"(?<![\w/])(?P<phi>{MONTH}\.?\s+{DAY}(?:,?\s+{YEAR})?)(?!\w)", 0.85, _capital_may),
        rule(rf"(?<![\w/])(?P<phi>{DAY}\s+(?:of\s+)?{MONTH}\.?(?:,?\s+{YEAR})?)(?!\w)", 0.85, _capital_may),
        rule(rf"(?<![\w/])(?P<phi>{MONTH}\.?,?\s+{YEAR})(?!\w)", 0.8, _capital_may),
        rule(rf"(?<![\w/])(?P<phi>\d{{1,2}}[-/ ]?{MONTH}[-/ ]?\d{{2,4}})(?!\w)", 0.85),
        rule(r"(?<![\w/.-])(?P<phi>(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01]))(?![\w/-])", 0.9),
        rule(
            r"(?<![\w/.-])(?P<phi>(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?:/(?:\d{4}|\d{2}))?)(?![\w/]|-\d|\.\d)",
            0.8,
            _numeric_date,
        ),
        rule(r"(?<![\w/.-])(?P<phi>(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])-(?:\d{4}|\d{2}))(?![\w/-])", 0.85),
        rule(r"(?<![\w/.])(?P<phi>(?:0?[1-9]|1[0-2])\.(?:0?[1-9]|[12]\d|3[01])\.(?:(?:19|20)\d{2}|\d{2}))(?![\w/.])", 0.75),
        rule(r"\b(?:on|since|from|until|till|by|of|before|after)\s+the\s+(?P<phi>(?:[12]?\d|3[01])(?:st|nd|rd|th))\b", 0.7),
        rule(r"\b(?:DOB|D\.O\.B\.?|date of birth|born)\s*[:#]?\s*(?:on\s+)?(?P<phi>\d{8})\b", 0.9),
        rule(
            r"(?P<phi>\b(?:christmas|thanksgiving|new year'?s(?: day| eve)?|independence day|easter|halloween|"
            r"valentine'?s day|memorial day|labor day)(?:\s+(?:day|eve))?(?:,?\s+{YEAR})?)\b".replace("{YEAR}", YEAR),
            0.6,
        ),
    ],
    C.AGE: [
        rule(r"\b(?P<phi>9\d|1[0-2]\d)\s*-?\s*(?:years?|yrs?|y)\.?\s*-?\s*(?:old|o\b|o\.)", 0.9),
        rule(r"\b(?P<phi>9\d|1[0-2]\d)\s*-?\s*(?:y/o|yo|y\.o\.|yoa)(?!\w)", 0.9),
        rule(r"\b(?:age|aged|ages|age:)\s*(?:of\s+)?:?\s*(?P<phi>9\d|1[0-2]\d)\b", 0.85),
        rule(r"\b(?P<phi>9\d|1[0-2]\d)\s?(?:M|F|m|f|yo[MF]|y[MF])\b", 0.75, _not_temperature, flags=0),
        rule(r"\b(?:in\s+(?:his|her|their|the)\s+)(?P<phi>(?:90|100)'?s|nineties)\b", 0.8),
        rule(r"(?P<phi>\b(?:nonagenarian|centenarian)s?\b)", 0.8),
    ],
}

# ---------------------------------------------------------------- geography smaller than a state

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
STREET_SUFFIX = (
    r"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|"
    r"Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Loop|Row|Pike|Alley|Plaza|Path|Crossing|Xing|Run|Ridge|Heights|"
    r"Hts|Point|Pt|Turnpike|Tpke|Expressway|Expy|Freeway|Fwy|Route|Rte|Walk|Close|Cove|Bend|Glen|Hollow|Mews|Green"
)
CAP = r"(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))"
UNIT = r"(?:,?[ \t]+(?i:Apt|Apartment|Unit|Suite|Ste|#|Rm|Room|Bldg|Building|Fl|Floor|Lot|Space)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]+)"
FACILITY_WORDS = (
    r"Hospital|Medical Center|Med Ctr|Health Center|Health System|Clinic|Nursing Home|Nursing Facility|"
    r"Rehabilitation Center|Rehab Center|Care Center|Urgent Care|Memorial|Infirmary|Hospice|Pharmacy|Healthcare|"
    r"Medical Group|Family Practice|Family Medicine|Surgery Center|Surgical Center|Cancer Center|Heart Institute|"
    r"Senior Living|Assisted Living|Retirement Home|Retirement Community|Manor|Health Services|Dialysis Center|"
    r"Imaging Center|Community Health|Children's Hospital|VA Medical Center|Medical Plaza|Behavioral Health"
)
PLACE_CUES = (
    r"lives|living|live|resides|residing|resident|located|moved|relocated|traveled|travelled|traveling|travelling|"
    r"trip|visiting|vacationed|vacationing|born|raised|grew up|transferred|transfer|arrived|returned|drove|"
    r"commutes?|works?|worked|employed|stationed|originally|hometown|native|home|town of|city of|village of|"
    r"township of|flew|went|relocating|moving|in from|up from|down from|over from|back from|"
    r"(?:pcp|physician|doctor|provider|clinic|hospital|family|relatives|daughter|son|sister|brother|office|"
    r"cardiologist|specialist|facility|pharmacy|shelter|church|school|job)\s+(?:in|at|near|outside)"
)
PREP = r"(?:\s+(?:in|to|from|at|near|of|back to|back from|outside(?: of)?|up in|down in|out to))?"
PLACE_NAME = (
    r"(?-i:(?:(?:St|Mt|Ft)\.\s+)?(?:[A-Z][a-z'-]+\s+(?:(?:de|la|del|du|des|le|van|von|of|on|upon)\s+)?){0,2}"
    r"[A-Z][a-z'-]+)"
)


def _not_all_common(match: re.Match[str], text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", match.group("phi"))
    common = name_lists().common
    return bool(words) and not all(word.lower() in common for word in words)


def _a_place_below_state(match: re.Match[str], text: str) -> bool:
    """A place after a cue such as 'lives in', unless it is a state (states are not PHI)."""
    return _not_all_common(match, text) and not re.fullmatch(STATE_NAME, match.group("phi"))


def _city_names() -> str:
    cities = [line.strip() for line in (DATA / "us_cities.txt").read_text().splitlines() if line.strip()]
    return "|".join(re.escape(city) for city in sorted(cities, key=len, reverse=True))


LOCATIONS = {
    C.LOCATION: [
        rule(
            rf"(?<![\w-])(?P<phi>\d{{1,6}}[A-Za-z]?[ \t]+(?:[NSEW]\.?[ \t]+|North[ \t]+|South[ \t]+|East[ \t]+|West[ \t]+)?"
            rf"(?:{CAP}[ \t]+){{1,3}}(?i:{STREET_SUFFIX})\b\.?"
            rf"{UNIT}?)",
            0.9,
            flags=0,
        ),
        rule(r"(?P<phi>\bP\.?\s?O\.?\s+Box\s+\d+)\b", 0.9),
        rule(rf"\d+[ \t]+(?:{CAP}[ \t]+){{1,3}}(?:{STREET_SUFFIX})\.?{UNIT}?,[ \t]+(?P<phi>{PLACE_NAME})", 0.8, _a_place_below_state, flags=0),
        rule(rf"(?P<phi>\b(?:{CAP}\s+(?:(?:de|la|del|du|des|le|van|von|of|on|upon)\s+)?){{0,2}}{CAP}),\s+{STATE}\b(?=\s+\d{{5}}|\s*$|\s*[,.;:)\n]|\s+(?:[a-z]|USA|US\b))", 0.85, _not_all_common, flags=re.MULTILINE),
        rule(rf"\b(?:{PLACE_CUES}){PREP}\s+(?:the\s+)?(?P<phi>{PLACE_NAME})", 0.7, _a_place_below_state),
        rule(rf"(?P<phi>\b(?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][A-Za-z'.&-]*\s+){{1,4}}(?:{FACILITY_WORDS}))\b", 0.8, _not_all_common, flags=0),
        rule(r"(?P<phi>\b(?:[A-Z][a-z'.-]+\s+){1,2}(?:County|Parish|Borough|Township))\b", 0.85, flags=0),
        rule(rf"(?P<phi>\b(?:{_city_names()}))\b", 0.7, flags=0),
    ],
    C.ZIP: [
        rule(rf"\b{STATE}\.?,?\s+(?P<phi>\d{{5}}(?:-\d{{4}})?)\b", 0.9),
        rule(r"\b(?:zip|zip code|zipcode|postal code|postcode)\s*[:#]?\s*(?P<phi>\d{5}(?:-\d{4})?)\b", 0.95),
        rule(r"(?<![\w-])(?P<phi>\d{5}-\d{4})(?![\w-])", 0.8),
    ],
}


def pattern_recognizers() -> list[EntityRecognizer]:
    """Every recogniser of this module, one per category (phone and fax share one)."""
    recognizers: list[EntityRecognizer] = [PhoneRecognizer()]
    for table in (CONTACT, IDENTIFIERS, DATES, LOCATIONS):
        recognizers.extend(RuleRecognizer(category, rules) for category, rules in table.items())
    return recognizers
