"""The parties named in a contract's opening words, each kept whole ('Northwind Analytics, Inc.') with
the name the contract then calls it by ('Northwind').

A preamble names each party and defines a short name for it in a parenthesis:
`by and between Acme Corp., a Delaware corporation ("Acme"), and Beta, LLC, having its office at
1 Main Street ("Beta")`. Each definition closes one party; the party's name is the start of the
text before it, up to where the description begins (', a Delaware corporation', ', having its
office', ', located at', an address). Commas inside a company's name ('Co., Ltd.') stay.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

# ("Acme") / (the "Acme") / (hereinafter "Acme") / (hereinafter referred to as "Acme") / ("Acme" or "A")
_QUOTE_OPEN, _QUOTE_CLOSE = "\"“'‘", "\"”'’"
_DEFINITION = re.compile(
    r"\((?:[^()\"“”]{0,60}?)?[\"“][^\"“”()]{1,60}[\"”](?:[^()]{0,80}?)\)"
    r"|\bhereinafter\s{1,3}(?:referred\s{1,3}to\s{1,3}as\s{1,3}|called\s{1,3})?(?:the\s{1,3})?[\"“][^\"“”]{1,60}[\"”]"
)
_ALIAS = re.compile(r"[\"“]([^\"“”]{1,60})[\"”]")
_INTRO = re.compile(
    r"\b(?:by\s{1,3}and\s{1,3}between|by\s{1,3}and\s{1,3}among|between|among|entered\s{1,3}into\s{1,3}by)\b\s{0,3}:?",
    re.IGNORECASE,
)
_STOP = re.compile(r"\b(?:WHEREAS|RECITALS?|WITNESSETH|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|BACKGROUND|PREAMBLE)\b|NOW,?\s{1,3}THEREFORE")
# Where a party's description begins, after its name.
_DESCRIPTION = re.compile(
    r",?\s{1,3}(?:(?:a|an)\s{1,3}(?!\s)|the\s{1,3}(?:laws|state|company)\b|with\b|having\b|located\b|whose\b|organi[sz]ed\b"
    r"|incorporated\b|existing\b|registered\b|represented\b|acting\b|its\s|duly\b|c/o\b|of\s{1,3}\d|at\s{1,3}\d"
    r"|formerly\b|on\s{1,3}behalf\b|by\s{1,3}its\b)"
    r"|,\s{1,3}\d|\s{1,3}\((?![\"“])",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:\s|,|;|:|\b[Aa]nd\b|\b(?:AND|BETWEEN)\b|\(\s?[a-zA-Z0-9]{1,3}\s?\)|[0-9]{1,2}\.|[ivx]{1,4}\.)+")
_COLLECTIVE = re.compile(r"^(?:each|both|either|all|together|collectively|individually)\b", re.IGNORECASE)
_GENERIC_ALIASES = {"party", "parties", "agreement", "effective date", "this agreement"}
# '... Inc. 600 Kenrick Street', '... Corp. Suite 207': an address ends the name
_ADDRESS = re.compile(
    r"\s\d{2,}\b|:|\s(?:Suite|Room|Floor|Unit|Building|P\.?\s?O\.?\s?Box)\b|,\s(?:an\s)?(?:individual|businessperson)\b"
    r"|,?\s(?:and|AND)$",
    re.IGNORECASE,
)
_STREET = re.compile(r"\b(?:Avenue|Street|Road|Boulevard|Drive|Lane|Parkway|Highway|Plaza)\b|^\d{2,}", re.IGNORECASE)
_TWO_COMPANIES = re.compile(r"\b(?:Inc|Corp|Corporation|Ltd|Limited|LLC|Co|Company)\.?,?\s{1,3}and\s{1,3}[A-Z]", re.IGNORECASE)
_ROLES = {
    "party", "company", "franchisee", "franchisor", "licensee", "licensor", "customer", "supplier", "distributor",
    "agent", "consultant", "contractor", "manufacturer", "reseller", "seller", "buyer", "purchaser", "vendor",
    "client", "provider", "sponsor", "developer", "employee", "employer", "member", "shareholder", "investor",
    "address", "u.s", "us", "usa",
}
_SENTENCE_WORDS = {"will", "shall", "must", "may", "agrees", "agree", "is", "are", "has", "have", "within", "you", "we"}
_NAME_JOINERS = {"of", "and", "the", "de", "du", "der", "la", "le", "for", "&", "y", "e", "und", "van", "von", "da"}
MAX_NAME_WORDS = 14
MAX_GAP = 600
"""Characters between two parties' definitions beyond which the preamble has ended."""
_ANOTHER_NAME = re.compile(r"[\s,;]{0,3}(?:or|and|,)?[\s,;]{0,3}", re.IGNORECASE)


class Party(BaseModel):
    """A party to the contract: its name as written, and the short names the contract defines for it."""

    name: str = Field(description="The party's name as written, e.g. 'Northwind Analytics, Inc.'.")
    defined_as: list[str] = Field(default_factory=list, description="e.g. ['Northwind'].")


def find_parties(text: str) -> list[Party]:
    """The parties a preamble names, in order; an empty list when it names them in no way read here."""
    intro = _INTRO.search(text)
    if intro is None:
        return []
    stop = _STOP.search(text, intro.end())
    region_end = stop.start() if stop else len(text)
    parties: list[Party] = []
    position = intro.end()
    for definition in _DEFINITION.finditer(text, intro.end(), region_end):
        aliases = [alias.strip(" ,.") for alias in _ALIAS.findall(definition.group(0))]
        aliases = [alias for alias in aliases if alias and alias.lower() not in _GENERIC_ALIASES]
        segment = text[position : definition.start()]
        position = definition.end()
        if parties and len(segment) > MAX_GAP:
            break  # past the preamble: definitions of other terms follow
        name = _name(segment)
        if name is None:
            if parties and aliases and _ANOTHER_NAME.fullmatch(segment):  # ("A") or ("B"): a second name
                parties[-1].defined_as.extend(a for a in aliases if a not in parties[-1].defined_as)
            continue
        if not aliases:
            continue  # 'collectively the "Parties"' names no new party
        known = next((p for p in parties if p.name.casefold() == name.casefold()), None)
        if known is not None:  # named again, e.g. in a second preamble
            known.defined_as.extend(a for a in aliases if a not in known.defined_as)
            continue
        parties.append(Party(name=name, defined_as=aliases))
    return parties


def _name(segment: str) -> str | None:
    """The party's name at the start of `segment`, or None when the segment names no party."""
    segment = " ".join(segment.split())
    segment = _LEADING.sub("", segment)
    if not segment or _COLLECTIVE.match(segment):
        return None
    cut = _DESCRIPTION.search(segment)
    name = segment[: cut.start()] if cut else segment
    name = _ADDRESS.split(name, maxsplit=1)[0].strip(" ,;:")
    name = re.sub(r"^the\s+(?=[A-Z])", "", name)
    return name if _looks_like_a_name(name) else None


def _looks_like_a_name(name: str) -> bool:
    """A few words, most of them capitalised, and no verb of a sentence ('IBM will provide ...')."""
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    if any(word.lower() in _SENTENCE_WORDS for word in words) or _TWO_COMPANIES.search(name) or _STREET.search(name):
        return False
    if " ".join(words).lower().rstrip(".") in _ROLES or re.fullmatch(r"Party\s\w", name):
        return False
    capitalised = sum(1 for word in words if word[0].isupper() or word[0].isdigit() or word.lower() in _NAME_JOINERS)
    return capitalised / len(words) >= 0.75
