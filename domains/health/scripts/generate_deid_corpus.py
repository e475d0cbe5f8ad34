"""Generate the labelled synthetic clinical notes the de-identifier is measured on.

    pip install names   # census name frequencies (public domain), MIT-licensed package
    python domains/health/scripts/generate_deid_corpus.py [--notes 400] [--seed 20240521]

Writes domains/health/tests/data/deid_corpus.jsonl: one note a line, `{"id", "kind", "text",
"spans": [{"category", "start", "end"}]}`. Everything is invented; the same seed gives the same
file. Names come from all frequency ranks of the census lists plus rare names in no list, while the
recogniser's lists hold only the even ranks (scripts/build_word_lists.py), so about half of the
names (and of the cities) are ones the lists have never seen. The notes mix eight kinds of note,
all-caps headers, abbreviations, names after titles and cues, bare repeat mentions, and clinical
look-alikes that are not PHI (scores like 5/5, doses like 1/2 tab, eponyms, ages under 90).
"""

from __future__ import annotations

import argparse
import json
import random
import string
from pathlib import Path

import names

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "tests" / "data" / "deid_corpus.jsonl"
CENSUS = Path(names.__file__).parent

RARE_FIRST = ["Oluwaseun", "Chidi", "Anjali", "Thao", "Xiomara", "Yusuf", "Ngozi", "Bartholomew", "Ximena", "Priyanka", "Kwame", "Saoirse", "Dagny", "Ignatius", "Zainab", "Tariq", "Mei", "Haruto", "Sven", "Ifeoma", "Leilani", "Bodhi", "Eamon", "Zofia", "Rafferty", "Anouk", "Kaveh", "Nnamdi", "Soraya", "Thandiwe"]
RARE_LAST = ["Oyelaran", "Szczepanski", "Bhattacharya", "Okonkwo", "Xiong", "Nakagawa", "Papadopoulos", "Vukovic", "Abernathy", "Quisenberry", "Delacroix", "Montgomery-Hale", "Oduya", "Thistlewood", "Kowalczyk", "Achterberg", "Nwachukwu", "Fairweather", "Castellanos", "Yamaguchi", "Lindqvist", "O'Shaughnessy", "McAllister", "Haddad", "Raghunathan", "Villaseñor", "Brankovic", "Adeyemi", "Thorvaldsen", "Zielinski"]
SMALL_TOWNS = ["Maple Grove", "Cedar Falls", "Willow Creek", "Pine Bluff", "Eagle River", "Clearwater Springs", "Brookhaven", "Fairhope", "Millbrook", "Harrisonburg", "Kettering", "Oak Ridge", "Elk Grove", "Sugar Land", "Bryn Mawr", "Lake Placid", "Red Wing", "Bend", "Port Angeles", "Silver Spring", "Havre de Grace", "Walla Walla", "Cuyahoga Falls", "Council Bluffs", "Sandpoint"]
STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "IN", "KY", "MA", "MD", "MI", "MN", "MO", "NC", "NJ", "NY", "OH", "OR", "PA", "TN", "TX", "VA", "WA", "WI"]
STATE_NAMES = ["Texas", "Ohio", "California", "Florida", "Oregon", "Georgia", "Michigan", "Arizona"]
STREET_WORDS = ["Maple", "Oak", "Cedar", "Elm", "Pine", "Birch", "Willow", "Walnut", "Chestnut", "Spruce", "Lincoln", "Washington", "Jefferson", "Madison", "Franklin", "Highland", "Lakeview", "Sunset", "Ridgeway", "Meadow", "Harbor", "Mill", "Church", "Park", "River", "Spring", "Hillcrest", "Orchard", "Prospect"]
STREET_SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Dr", "Lane", "Ln", "Court", "Ct", "Boulevard", "Blvd", "Way", "Place", "Terrace", "Circle"]
FACILITY_KINDS = ["Hospital", "Medical Center", "Regional Medical Center", "Clinic", "Nursing Home", "Rehabilitation Center", "Urgent Care"]
COUNTIES = ["Cook", "Harris", "Maricopa", "Orange", "King", "Dane", "Travis", "Wake", "Polk", "Marion", "Jefferson", "Summit"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
CREDENTIALS = ["MD", "M.D.", "DO", "RN", "NP", "PA-C", "APRN", "LCSW", "PharmD"]
RELATIONS = ["wife", "husband", "daughter", "son", "sister", "brother", "mother", "niece", "caregiver", "friend"]

NOT_PHI_FILLERS = [
    "BP 132/84, HR 88, RR 16, T 98.6 F, SpO2 97% on RA.",
    "Strength 5/5 in all extremities, DTRs 2+ and symmetric.",
    "Pain 7/10, sharp, non-radiating.",
    "Take 1/2 tab of metoprolol 25 mg BID.",
    "Labs: Na 138, K 4.1, Cr 1.2, WBC 11.2, Hgb 12.9, A1c 7.4%.",
    "History of Parkinson disease and Bell's palsy in 2015.",
    "Negative Murphy's sign. Babinski downgoing bilaterally.",
    "Known Crohn disease, on mesalamine 1.2 g daily.",
    "EF 55% on echo; mild MR. ICD-10 E11.9, I10.",
    "Diagnosed with Hodgkin lymphoma in 2009, in remission.",
    "Lisinopril 10 mg daily, atorvastatin 40 mg qHS, aspirin 81 mg.",
    "Smoker, 20 pack-years; quit in 2018. Drinks 2-3 beers per week.",
    "GCS 15. A&O x3. Murmur 2/6 systolic at LUSB.",
    "Insulin glargine 22 units qHS, lispro sliding scale.",
    "Graves disease s/p RAI ablation, on levothyroxine 88 mcg.",
    "CT head without contrast: no acute intracranial abnormality.",
    "Visual acuity 20/40 OD, 20/30 OS.",
    "Moved to Texas for work years ago; now back.",
    "Patient is a 67-year-old with COPD on 2L NC at home.",
    "Follows with Cardiology and Nephrology; Down syndrome sibling noted in family history.",
    "Admitted to the ICU, transferred to the floor on hospital day 3.",
    "COVID-19 PCR negative. Influenza A/B negative.",
]
COMPLAINTS = ["chest pain", "shortness of breath", "abdominal pain", "dizziness", "a fall at home", "fever and cough",
              "worsening leg swelling", "headache", "back pain", "palpitations", "confusion", "a wound that will not heal"]
NEGATED = ["No chest pain.", "Denies fever or chills.", "No nausea, vomiting or diarrhea.", "Negative for dysuria.",
           "Denies shortness of breath at rest.", "No focal weakness."]


class Note:
    """A note being written: its text so far and the labelled PHI spans in it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict] = []

    def add(self, text: str) -> Note:
        """Append text that is not PHI."""
        self.parts.append(text)
        self.length += len(text)
        return self

    def phi(self, category: str, value: str) -> Note:
        """Append PHI of `category`, labelled."""
        self.spans.append({"category": category, "start": self.length, "end": self.length + len(value)})
        return self.add(value)

    @property
    def text(self) -> str:
        """The note's text."""
        return "".join(self.parts)


def suffix(day: int) -> str:
    """The ordinal suffix of a day of the month: 1st, 2nd, 3rd, 4th, 21st."""
    return {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")


def census(file: str, top: int) -> list[str]:
    """The `top` most frequent names of a census file, Title case."""
    return [line.split()[0].title() for line in (CENSUS / file).read_text().splitlines()[:top]]


class Generator:
    """Random PHI values and note kinds, all from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.first = census("dist.female.first", 1000) + census("dist.male.first", 600) + RARE_FIRST * 3
        self.last = census("dist.all.last", 4000) + RARE_LAST * 8
        self.cities = (HERE / "us_cities_seed.txt").read_text().splitlines() + SMALL_TOWNS

    # ------------------------------------------------------------ values

    def pick(self, items):
        return self.r.choice(items)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    def letters(self, n: int) -> str:
        return "".join(self.r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))

    def person(self) -> tuple[str, str]:
        return self.pick(self.first), self.pick(self.last)

    def date(self, year: int | None = None) -> str:
        y = year or self.r.randint(2015, 2024)
        m, d = self.r.randint(1, 12), self.r.randint(1, 28)
        month = MONTHS[m - 1]
        ordinal = suffix(d)
        return self.pick([
            f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{str(y)[2:]}", f"{m}/{d}", f"{y}-{m:02d}-{d:02d}", f"{month} {d}, {y}",
            f"{month[:3]} {d}", f"{d} {month} {y}", f"{d}{ordinal} of {month}", f"{month} {d}{ordinal}",
            f"{d:02d}-{month[:3]}-{y}", f"{month} {y}", f"{m}-{d}-{y}", f"{month[:3].upper()} {d} {y}",
        ])

    def dob(self) -> str:
        y = self.r.randint(1925, 2005)
        m, d = self.r.randint(1, 12), self.r.randint(1, 28)
        return self.pick([f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{MONTHS[m - 1]} {d}, {y}"])

    def phone(self) -> str:
        a, b, c = f"{self.r.randint(201, 989)}", "555", self.digits(4)
        return self.pick([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}-{b}-{c} ext. {self.digits(3)}"])

    def street(self) -> str:
        value = f"{self.r.randint(2, 9899)} {self.pick(STREET_WORDS)} {self.pick(STREET_SUFFIXES)}"
        if self.chance(0.3):
            value += self.pick([f", Apt {self.r.randint(1, 40)}{self.pick('ABCD')}", f" Unit {self.r.randint(1, 300)}", f", Suite {self.r.randint(100, 900)}"])
        return value

    def zip(self) -> str:
        return self.digits(5) if self.chance(0.8) else f"{self.digits(5)}-{self.digits(4)}"

    def facility(self) -> str:
        kind = self.pick(FACILITY_KINDS)
        return self.pick([f"{self.pick(self.cities)} {kind}", f"St. {self.pick(self.first)}'s {kind}", f"{self.pick(self.last)} Memorial {kind}",
                          f"Mercy {kind}", f"Good Samaritan {kind}"])

    def ssn(self) -> str:
        a, b, c = self.r.randint(100, 665), self.r.randint(10, 99), self.r.randint(1000, 9999)
        return self.pick([f"{a}-{b}-{c}", f"{a}{b}{c}", f"{a} {b} {c}"])

    # ------------------------------------------------------------ people in a note

    def name_of(self, first: str, last: str, style: str) -> str:
        if self.chance(0.12):
            first, last = first.upper(), last.upper()
        return {"full": f"{first} {last}", "last": last, "first": first, "initial": f"{first} {self.pick(string.ascii_uppercase)}. {last}"}[style]

    def mention_patient(self, note: Note, first: str, last: str) -> None:
        """One mention of the patient in one of the usual shapes."""
        style = self.r.randint(0, 9)
        if style <= 2:
            note.add(self.pick(["Mr. ", "Mrs. ", "Ms. ", "Mr ", "Mrs "])).phi("NAME", self.name_of(first, last, "last"))
        elif style <= 4:
            note.add(self.pick(["pt ", "Pt ", "patient ", "Patient "])).phi("NAME", self.name_of(first, last, self.pick(["last", "full"])))
        elif style <= 6:
            note.phi("NAME", self.name_of(first, last, "full"))
        elif style == 7:
            note.phi("NAME", self.name_of(first, last, "last")).add("'s")
        elif style == 8:
            note.phi("NAME", self.name_of(first, last, "first"))
        else:
            note.add("pt ").phi("NAME", last.lower() if self.chance(0.3) else last)

    def clinician(self, note: Note, first: str, last: str) -> None:
        style = self.r.randint(0, 4)
        if style <= 1:
            note.add(self.pick(["Dr. ", "Dr ", "dr. ", "Doctor "])).phi("NAME", self.name_of(first, last, self.pick(["last", "full"])))
        elif style == 2:
            note.phi("NAME", self.name_of(first, last, self.pick(["full", "initial"]))).add(self.pick([", ", " "]) + self.pick(CREDENTIALS))
        else:
            note.add(self.pick(["seen by ", "Attending: ", "PCP: ", "referred by ", "signed by ", "discussed with "]))
            note.add("Dr. " if self.chance(0.4) else "").phi("NAME", self.name_of(first, last, "full"))

    # ------------------------------------------------------------ note kinds

    def header(self, note: Note, pt: tuple[str, str]) -> None:
        first, last = pt
        caps = self.chance(0.4)
        label = (lambda s: s.upper()) if caps else (lambda s: s)
        name = f"{last.upper()}, {first.upper()}" if caps or self.chance(0.4) else f"{first} {last}"
        note.add(label(self.pick(["Patient: ", "Patient Name: ", "Name: ", "PT NAME: "]))).phi("NAME", name)
        note.add(self.pick(["    ", "\n"])).add(label(self.pick(["MRN: ", "MR# ", "Medical Record Number: ", "Chart #: "])))
        note.phi("MRN", self.pick([self.digits(8), f"A{self.digits(7)}", self.digits(7), f"{self.digits(3)}-{self.digits(4)}"]))
        note.add("\n" + label("DOB: ")).phi("DATE", self.dob())
        note.add(label("    Visit date: ")).phi("DATE", self.date()).add("\n")

    def address_block(self, note: Note) -> None:
        note.add(self.pick(["Address: ", "Home address: ", "Lives at "])).phi("LOCATION", self.street()).add(", ")
        note.phi("LOCATION", self.pick(self.cities)).add(", " + self.pick(STATES) + " ").phi("ZIP", self.zip()).add("\n")

    def contacts(self, note: Note) -> None:
        note.add(self.pick(["Phone: ", "Cell: ", "Tel ", "Home phone "])).phi("PHONE", self.phone())
        if self.chance(0.5):
            note.add(self.pick(["  Fax: ", ", fax ", "  F: "])).phi("FAX", self.phone())
        if self.chance(0.6):
            first, last = self.person()
            note.add("\nEmail: ").phi("EMAIL", f"{first.lower()}.{last.lower().replace(chr(39), '')}{self.r.randint(1, 99)}@{self.pick(['gmail.com', 'example.org', 'mail.net', 'yahoo.com'])}")
        note.add("\n")

    def insurance(self, note: Note) -> None:
        choice = self.r.randint(0, 3)
        if choice == 0:
            note.add("Medicare ID: ").phi("HEALTH_PLAN", f"{self.r.randint(1, 9)}{self.letters(1)}{self.letters(1)}{self.r.randint(0, 9)}-{self.letters(1)}{self.letters(1)}{self.r.randint(0, 9)}-{self.letters(2)}{self.digits(2)}")
        elif choice == 1:
            note.add(self.pick(["Member ID: ", "Insurance ID ", "Subscriber # "])).phi("HEALTH_PLAN", f"{self.letters(3)}{self.digits(9)}")
        elif choice == 2:
            note.add("Medicaid # ").phi("HEALTH_PLAN", f"{self.digits(8)}{self.letters(1)}")
        else:
            note.add(self.pick(["BCBS policy no. ", "Aetna policy number ", "Policy #: "])).phi("HEALTH_PLAN", f"{self.digits(4)}-{self.digits(3)}-{self.digits(2)}")
        note.add(self.pick(["   ", "; ", "\n"]))
        note.add(self.pick(["Acct #: ", "Account number ", "FIN ", "Billing account no. "])).phi("ACCOUNT", self.pick([f"{self.digits(5)}-{self.digits(2)}", self.digits(10), self.digits(8)]))
        note.add("\n")
        if self.chance(0.5):
            note.add(self.pick(["SSN: ", "SSN ", "Social security number "])).phi("SSN", self.ssn()).add("\n")

    def identifiers(self, note: Note) -> None:
        """A few of the rarer identifiers, in clinical sentences."""
        pool = [self.vehicle, self.device, self.web, self.biometric, self.photo, self.other_id, self.licence]
        for add in self.r.sample(pool, self.r.randint(2, 4)):
            add(note)
            note.add(" ")
        note.add("\n")

    def vehicle(self, note: Note) -> None:
        if self.chance(0.5):
            vin = "".join(self.r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
            vin = vin[:3] + self.digits(2) + vin[5:]
            note.add("MVC; vehicle VIN ").phi("VEHICLE", vin).add(" per police report.")
        else:
            note.add(self.pick(["Drives a sedan, license plate ", "Car in lot, plate # ", "Vehicle plate "])).phi("VEHICLE", f"{self.r.randint(1, 9)}{self.letters(3)}{self.digits(3)}").add(".")

    def device(self, note: Note) -> None:
        choice = self.r.randint(0, 3)
        if choice == 0:
            note.add("Pacemaker serial no. ").phi("DEVICE", f"{self.letters(2)}-{self.digits(5)}").add(" interrogated.")
        elif choice == 1:
            note.add("Insulin pump S/N: ").phi("DEVICE", f"{self.digits(4)}-{self.letters(2)}-{self.digits(4)}").add(".")
        elif choice == 2:
            note.add("Implant UDI ").phi("DEVICE", f"(01){self.digits(14)}(17){self.digits(6)}(10){self.letters(2)}{self.digits(4)}").add(".")
        else:
            note.add("CGM device ID ").phi("DEVICE", f"DV{self.digits(6)}").add(" synced.")

    def web(self, note: Note) -> None:
        if self.chance(0.5):
            note.add(self.pick(["Portal: ", "Shared results via ", "See "])).phi("URL", self.pick([
                f"https://mychart.{self.pick(['example.org', 'health-net.com'])}/p/{self.digits(5)}",
                f"www.{self.pick(self.last).lower().replace(chr(39), '')}familyblog.com",
                f"http://telehealth.example.net/room/{self.letters(2).lower()}{self.digits(4)}",
            ])).add(".")
        else:
            ip = self.pick([f"192.168.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}", f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}",
                            f"2001:db8::{self.r.randint(1, 9999):x}:{self.r.randint(1, 9999):x}"])
            note.add(self.pick(["Telehealth session from IP ", "Login from ", "Remote monitor at IP address "])).phi("IP_ADDRESS", ip).add(".")

    def biometric(self, note: Note) -> None:
        label, prefix = self.pick([("Fingerprint template ID: ", "FP"), ("Voiceprint ID ", "VP"), ("Retinal scan ID ", "RS"), ("Iris scan code ", "IR")])
        note.add(label).phi("BIOMETRIC", f"{prefix}-{self.digits(4)}-{self.digits(4)}" if self.chance(0.5) else f"{prefix}{self.digits(6)}").add(" on file.")

    def photo(self, note: Note) -> None:
        note.add(self.pick(["Wound photo: ", "Attached: ", "Image uploaded "])).phi("PHOTO", self.pick([
            f"IMG_{self.digits(4)}.jpg", f"wound_photo_{self.digits(4)}.png", f"face_{self.digits(3)}.JPEG", "[photo attached]",
            f"![face](uploads/{self.digits(6)}.png)",
        ])).add(".")

    def other_id(self, note: Note) -> None:
        label, value = self.pick([
            ("Specimen ID: ", f"SP-{self.digits(4)}-{self.digits(2)}"), ("Accession # ", f"{self.digits(4)}-{self.digits(4)}"),
            ("Case #: ", f"{self.r.randint(2015, 2024)}-{self.digits(5)}"), ("Employee ID ", self.digits(6)),
            ("Study ID ", f"ONC-{self.digits(4)}-{self.digits(3)}"), ("Claim ", f"{self.digits(5)}-{self.digits(2)}"),
            ("Passport ", f"X{self.digits(8)}"),
        ])
        note.add(label).phi("ID", value).add(".")

    def licence(self, note: Note) -> None:
        label, value = self.pick([
            ("DEA ", f"{self.pick('ABFM')}{self.letters(1)}{self.digits(7)}"), ("NPI ", self.digits(10)),
            ("License no. ", f"MD-{self.digits(5)}"), ("Driver's license ", f"D{self.digits(3)}-{self.digits(4)}-{self.digits(4)}"),
            ("RN license ", self.digits(7)), ("Board certificate # ", f"BC{self.digits(6)}"),
        ])
        note.add(label).phi("LICENSE", value).add(".")

    def narrative(self, note: Note, pt: tuple[str, str], doc: tuple[str, str], relative: tuple[str, str]) -> None:
        first, last = pt
        old = self.chance(0.3)
        if old:
            age = str(self.r.randint(90, 104))
            shape = self.r.randint(0, 3)
            if shape == 0:
                note.phi("AGE", age).add("-year-old ")
            elif shape == 1:
                note.phi("AGE", age).add(self.pick([" yo ", " y/o "]))
            elif shape == 2:
                note.add("Age ").phi("AGE", age).add(", ")
            else:
                note.phi("AGE", age).add(self.pick(["M ", "F "]))
        else:
            note.add(f"{self.r.randint(19, 89)}-year-old ")
        note.add(self.pick(["woman", "man", "patient"]) + " presenting with " + self.pick(COMPLAINTS) + " since ")
        note.phi("DATE", self.date()).add(". ")
        self.mention_patient(note, first, last)
        note.add(self.pick([" reports ", " states ", " notes "]) + "symptoms worse at night. " + self.pick(NEGATED) + " ")
        note.add(self.pick(NOT_PHI_FILLERS) + " ")
        if self.chance(0.8):
            note.add(self.pick(["Accompanied by ", "Lives with ", "Discussed with "]) + self.pick(RELATIONS) + " ")
            note.phi("NAME", f"{relative[0]} {relative[1]}" if self.chance(0.5) else relative[0]).add(self.pick([", ", " "]))
            parenthesised = self.chance(0.5)
            note.add("(" if parenthesised else "").phi("PHONE", self.phone()).add(").\n" if parenthesised else ".\n")
        if self.chance(0.5):
            note.add(self.pick(["Lives in ", "Recently moved from ", "Visiting from ", "Originally from "])).phi("LOCATION", self.pick(self.cities)).add(". ")
        if self.chance(0.5):
            note.add(self.pick(["Transferred from ", "Previously admitted to ", "Follows at "])).phi("LOCATION", self.facility()).add(" on ").phi("DATE", self.date()).add(". ")
        if self.chance(0.15):
            note.add("Resident of ").phi("LOCATION", self.pick(COUNTIES) + " County").add(". ")
        if self.chance(0.2):
            note.add("Was in " + self.pick(STATE_NAMES) + " over the holidays. ")
        note.add("\n")
        self.clinician(note, *doc)
        note.add(self.pick([" reviewed imaging from ", " saw the patient on ", " last visit "])).phi("DATE", self.date()).add(". ")
        if self.chance(0.4):
            note.phi("NAME", last if self.chance(0.7) else f"{first} {last}").add(self.pick([" tolerated the procedure well. ", " is agreeable with the plan. "]))
        if self.chance(0.3):
            day = self.r.randint(1, 28)
            note.add("Follow up on the ").phi("DATE", f"{day}{suffix(day)}").add(". ")
        note.add("\n")

    def free_text(self, note: Note, pt: tuple[str, str], relative: tuple[str, str]) -> None:
        """Sentences written the way people write, not the way the rules look: names at the start of
        a sentence, after verbs, in lower case, relatives and staff mentioned once."""
        first, last = pt
        other = self.person()
        sentences = [
            lambda: note.phi("NAME", first).add(" was brought in by EMS after a neighbour found her on the floor. "),
            lambda: note.add("Message left for ").phi("NAME", last).add(" regarding lab results. "),
            lambda: note.add("Informed ").phi("NAME", f"{first} {last}").add(" of the biopsy results; she wishes to share them with ").phi("NAME", relative[0]).add(". "),
            lambda: note.add("Per ").phi("NAME", relative[0]).add(", the patient has been more forgetful since ").phi("DATE", self.date()).add(". "),
            lambda: note.phi("NAME", last).add(" family at bedside, updated on plan. "),
            lambda: note.add("Home health aide ").phi("NAME", f"{other[0]} {other[1]}").add(" visits three times weekly. "),
            lambda: note.add("Her PCP in ").phi("LOCATION", self.pick(self.cities)).add(" has been notified. "),
            lambda: note.add("Appointment with Dr. ").phi("NAME", other[1]).add(" on ").phi("DATE", self.date()).add(" at ").phi("LOCATION", self.facility()).add(". "),
            lambda: note.add("pt ").phi("NAME", f"{first.lower()} {last.lower()}").add(" seen today, doing well. "),
            lambda: note.add("Chaplain visited; ").phi("NAME", first).add(" requested a rosary. "),
            lambda: note.add("Transport arranged to ").phi("LOCATION", self.street()).add(", ").phi("LOCATION", self.pick(self.cities)).add(". "),
            lambda: note.add("Neighbor (").phi("NAME", other[0]).add(") has a spare key. "),
            lambda: note.add("Will update ").phi("NAME", f"{relative[0]} {relative[1]}").add(" at ").phi("PHONE", self.phone()).add(" tonight. "),
            lambda: note.add("The patient, ").phi("NAME", f"{first} {last}").add(", prefers to be called by her middle name. "),
            lambda: note.phi("NAME", other[0]).add(" from the lab called with a critical potassium. "),
            lambda: note.add("Seen in clinic with ").phi("NAME", f"{relative[0]}").add(", who drove her in from ").phi("LOCATION", self.pick(self.cities)).add(". "),
            lambda: note.add("Discussed goals of care with ").phi("NAME", f"{other[0]} {other[1]}").add(" (healthcare proxy). "),
            lambda: note.add("Last seen by her cardiologist on ").phi("DATE", self.date()).add(", records requested from ").phi("LOCATION", self.facility()).add(". "),
        ]
        for sentence in self.r.sample(sentences, self.r.randint(2, 4)):
            sentence()
        note.add("\n")

    def soap(self, note: Note, pt, doc, nurse) -> None:
        note.add(self.pick(["S: ", "SUBJECTIVE:\n", "Subjective: "]))
        self.mention_patient(note, *pt)
        note.add(f" c/o {self.pick(COMPLAINTS)} x 3 days. {self.pick(NEGATED)}\n")
        note.add(self.pick(["O: ", "OBJECTIVE:\n", "Objective: "]) + self.pick(NOT_PHI_FILLERS) + " " + self.pick(NOT_PHI_FILLERS) + "\n")
        note.add(self.pick(["A: ", "ASSESSMENT:\n", "Assessment: "]) + self.pick(["CHF exacerbation", "community-acquired pneumonia", "UTI", "uncontrolled type 2 diabetes", "cellulitis of left leg"]) + ".\n")
        note.add(self.pick(["P: ", "PLAN:\n", "Plan: "]) + "Continue current meds. RTC on ").phi("DATE", self.date()).add(". ")
        note.add("Call ").phi("PHONE", self.phone()).add(" with questions.\n")
        self.clinician(note, *nurse)
        note.add("\n")

    def signature(self, note: Note, doc) -> None:
        note.add(self.pick(["Electronically signed by ", "Signed: ", "Dictated by: ", "e-signed: "]))
        first, last = doc
        note.phi("NAME", self.name_of(first, last, self.pick(["full", "initial"]))).add(self.pick([", MD", ", DO", " MD", ", NP", ""]))
        note.add(" on ").phi("DATE", self.date()).add(self.pick([" 14:32", " at 0915", ""])).add("\n")
        if self.chance(0.4):
            note.add("cc: Dr. ").phi("NAME", self.pick(self.last)).add(", ").phi("LOCATION", self.facility()).add(", fax ").phi("FAX", self.phone()).add("\n")

    def note(self, kind: str) -> Note:
        """One note of `kind`."""
        note = Note()
        pt, doc, nurse, relative = self.person(), self.person(), self.person(), (self.pick(self.first), self.pick(self.last))
        note.add({
            "progress": "PROGRESS NOTE\n", "discharge": "DISCHARGE SUMMARY\n", "ed": "ED PROVIDER NOTE\n",
            "referral": "REFERRAL LETTER\n", "phone": "TELEPHONE ENCOUNTER\n", "nursing": "Nursing note\n",
            "radiology": "RADIOLOGY REPORT\n", "hp": "HISTORY AND PHYSICAL\n",
        }[kind])
        self.header(note, pt)
        if kind == "referral":
            note.add("Dear Dr. ").phi("NAME", doc[1]).add(",\nThank you for seeing ")
            self.mention_patient(note, *pt)
            note.add(". ")
        if kind in ("hp", "discharge", "referral", "ed") or self.chance(0.5):
            self.address_block(note)
            self.contacts(note)
        if kind in ("hp", "discharge", "ed") or self.chance(0.4):
            self.insurance(note)
        self.narrative(note, pt, doc, relative)
        self.free_text(note, pt, relative)
        if kind in ("progress", "nursing", "phone") or self.chance(0.3):
            self.soap(note, pt, doc, nurse)
        self.identifiers(note)
        if kind == "discharge":
            note.add("Discharged on ").phi("DATE", self.date()).add(" to ").phi("LOCATION", self.facility()).add(". ")
            note.add("Follow up with PCP ").phi("NAME", f"{doc[0]} {doc[1]}").add(" in 1 week.\n")
        self.signature(note, doc)
        return note


def main() -> None:
    """Write the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20240521)
    args = parser.parse_args()
    generator = Generator(args.seed)
    kinds = ["progress", "discharge", "ed", "referral", "phone", "nursing", "radiology", "hp"]
    with OUT.open("w") as out:
        for number in range(args.notes):
            kind = kinds[number % len(kinds)]
            note = generator.note(kind)
            out.write(json.dumps({"id": f"note-{number:04d}", "kind": kind, "text": note.text, "spans": note.spans}, ensure_ascii=False) + "\n")
    print(f"{args.notes} notes written to {OUT}")


if __name__ == "__main__":
    main()
