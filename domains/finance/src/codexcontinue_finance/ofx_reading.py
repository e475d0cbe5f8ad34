"""OFX/QFX files as institutions write them: read strictly with ofxtools first, then leniently, saying which
fallbacks were needed.

    document = read_ofx_document(data, "statement.qfx")
    document.root       # an ElementTree of the <OFX> body; each element's 'line' attribute is its line
    document.fallbacks  # [] when ofxtools read the file as the specification says

The strict reading is ofxtools' own: its header parser, its SGML/XML parser and its conversion to
the specification's models, which check every field. A file it refuses (a bank id longer than the
nine characters the specification allows, a missing field, a value outside its list) is read again
leniently, the way GnuCash and the ledger tools read OFX: a byte-order mark or blank lines before
the header, a header with spaces or none at all, a declared character set the text does not match
(Latin-1 labelled as ASCII), elements without end tags, aggregates left unclosed (closed where their
parent closes, or where the next one of the same kind opens), stray end tags. Each fallback used is
named in `fallbacks`, which the import record keeps.

The values are always read from the lenient tree, which keeps the line of every tag so that a
problem can be reported where it is. ofxtools' tokenizer is a regular expression that skips what it
does not understand in silence and keeps no positions, so it cannot serve for that; the lenient
tokenizer here is a single forward scan (linear in the file's size) that reports what it skips.
"""

from __future__ import annotations

import html
import io
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from codexcontinue import InputError
from codexcontinue.cpu_work import checkpoint

from .date_columns import EARLIEST, latest_plausible

#: More nesting than any OFX aggregate has (about 10 levels) means a broken or hostile file.
MAX_DEPTH = 40
MAX_ELEMENTS = 2_000_000
MAX_LISTED = 8
#: ofxtools' strict reading takes about 2 s a megabyte (it builds an object per tag, and cannot be stopped half way);
#: larger files, a hundred times what a year of statements weighs, are read by the lenient reader's checks alone.
STRICT_LIMIT = 2 * 1024 * 1024
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._:-]{0,63})\s*>")
#: A tag (its '/' and name in groups 1 and 2), or where a comment, declaration or CDATA section starts.
_TOKEN = re.compile(r"<(?:(/?)([A-Za-z][A-Za-z0-9._:-]{0,63})\s*>|[!?])")

_HEADER_LINE = re.compile(r"\s*([A-Za-z]{1,20})\s*:\s*([^\r\n]{0,80})")
_XML_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9_.-]{1,40})["']""")
CHARSETS = {"1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1", "UTF-8": "utf-8", "NONE": "utf-8"}


@dataclass
class OfxDocument:
    """The body of an OFX file as a tree with line numbers, and the fallbacks its reading needed."""

    root: ET.Element
    filename: str
    version: int
    fallbacks: list[str] = field(default_factory=list)

    def line(self, element: ET.Element) -> int:
        """The line of the file where `element`'s tag is."""
        return int(element.get("line", "0"))

    def where(self, element: ET.Element) -> str:
        """'file' line N: <TAG>, for messages."""
        return f"'{self.filename}' line {self.line(element)}: <{element.tag}>"

    def text(self, parent: ET.Element, path: str) -> str | None:
        """The value at `path` under `parent` (whitespace collapsed), or None when absent or empty."""
        found = parent.find(path)
        value = " ".join((found.text or "").split()) if found is not None else ""
        return value or None

    def required(self, parent: ET.Element, path: str, what: str) -> ET.Element:
        """The element at `path` under `parent`; `InputError` naming `parent`'s line when it is missing or empty."""
        found = parent.find(path)
        if found is None or not (found.text or "").strip():
            raise InputError(
                f"{self.where(parent)} has no <{path.split('/')[-1]}> ({what}); the statement is incomplete. "
                "Download it again."
            )
        return found

    def _value(self, parent: ET.Element, path: str, what: str, optional: bool) -> ET.Element | None:
        """The element at `path` with a value; None when it is absent and `optional`, else `InputError`."""
        found = parent.find(path)
        if found is not None and (found.text or "").strip():
            return found
        if optional:
            return None
        return self.required(parent, path, what)

    def date(self, parent: ET.Element, path: str, what: str, *, optional: bool = False) -> date | None:
        """The day an OFX date at `path` names, as written (YYYYMMDD before any time and zone: the bank's own day,
        not shifted to UTC); `InputError` with its line when it is not a date between 1970 and a year from now."""
        found = self._value(parent, path, what, optional)
        if found is None:
            return None
        written = (found.text or "").strip()
        digits = re.match(r"(\d{4})(\d{2})(\d{2})", written) or re.match(r"(\d{4})-(\d{2})-(\d{2})", written)
        day = None
        if digits:
            try:
                day = date(*(int(p) for p in digits.groups()))
            except ValueError:
                day = None
            if day is not None and not digits.group(0).isdigit():
                self.note("Dates written as YYYY-MM-DD (OFX writes YYYYMMDD) were read as such.")
        if day is None:
            raise InputError(
                f"{self.where(found)} {written!r} is not a date ({what}); OFX dates read YYYYMMDD. Download the "
                "statement again."
            )
        latest = latest_plausible()
        if not EARLIEST <= day <= latest:
            raise InputError(
                f"{self.where(found)} {written!r} is outside {EARLIEST} to {latest} ({what}); the file is damaged or "
                "mistyped. Download it again."
            )
        return day

    def number(self, parent: ET.Element, path: str, what: str, *, optional: bool = False) -> Decimal | None:
        """The number at `path` ('+00000000001234.5600', '-25.00'; '-25,00' is read with a note); `InputError` with
        its line when it is not a number."""
        found = self._value(parent, path, what, optional)
        if found is None:
            return None
        written = "".join((found.text or "").split())
        plain = written.removeprefix("+")
        if re.fullmatch(r"-?\d{1,15},\d{1,9}", plain):
            plain = plain.replace(",", ".")
            self.note("Amounts written with a decimal comma ('-25,00') were read as such.")
        if not re.fullmatch(r"-?(?:\d{1,20}(?:\.\d{0,12})?|\.\d{1,12})", plain):
            raise InputError(f"{self.where(found)} {written!r} is not a number ({what}); download the statement again.")
        return Decimal(plain)

    def note(self, text: str) -> None:
        """Record a fallback once."""
        if text not in self.fallbacks:
            self.fallbacks.append(text)


def is_ofx(data: bytes) -> bool:
    """Whether `data` looks like an OFX/QFX file rather than a CSV."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return head.startswith((b"OFXHEADER", b"<?XML", b"<?OFX", b"<OFX>")) or b"<OFX>" in head[:2048]


def read_ofx_document(data: bytes, filename: str) -> OfxDocument:
    """Read `data` strictly (ofxtools), then leniently; `InputError` (422) naming the line or tag when even the
    lenient reading cannot make an OFX statement of it."""
    notes: list[str] = []
    if len(data) > STRICT_LIMIT:
        strict_problem = (
            f"The file is larger than {STRICT_LIMIT // 1024 // 1024} MB, so ofxtools' strict check was not run; it was "
            "read with the lenient reader's checks."
        )
    else:
        strict_problem = _strict_problem(data)
    text, version, body_start = _decoded(data, filename, notes)
    root = _tree(text, body_start, filename, notes)
    fallbacks = [] if strict_problem is None else [strict_problem, *notes]
    return OfxDocument(root=root, filename=filename, version=version, fallbacks=fallbacks)


def _strict_problem(data: bytes) -> str | None:
    """None when ofxtools parses and validates `data`, else what it objected to, in a sentence."""
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # private tags such as <INTU.BID> are allowed and skipped
            tree.parse(io.BytesIO(data))
            tree.convert()
    except Exception as error:  # any refusal by the validator, of whatever kind, means 'not strictly valid'
        reason = " ".join(str(error).split())[:240] or type(error).__name__
        return f"Not valid to the OFX specification (ofxtools: {reason}); read leniently."
    return None


# ------------------------------------------------------------------------------------------ header


def _decoded(data: bytes, filename: str, notes: list[str]) -> tuple[str, int, int]:
    """The file as text, its OFX major version (1 SGML, 2 XML), and where its body (`<OFX>`) starts."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("A byte-order mark before the header was skipped.")
    stripped = data.lstrip()
    if len(stripped) != len(data):
        notes.append("Blank lines before the header were skipped.")
    head = stripped[:4096].decode("latin-1")
    upper = head.upper()
    if upper.startswith("OFXHEADER"):
        version, codec = 1, _v1_codec(head, notes)
    elif upper.startswith(("<?XML", "<?OFX")):
        found = _XML_ENCODING.search(head)
        version, codec = 2, (found.group(1) if found else "utf-8")
    elif upper.startswith("<OFX>"):
        version, codec = 1, "utf-8"
        notes.append("The file has no OFX header; its body was read as OFX 1 (SGML).")
    else:
        raise InputError(
            f"'{filename}' does not start with an OFX header ('OFXHEADER:100' or '<?OFX OFXHEADER=\"200\"?>') or "
            "an <OFX> tag; download the statement again as OFX or QFX (Quicken, Money or Microsoft Money format)."
        )
    text = _decode(stripped, codec, notes)
    body = text.upper().find("<OFX>")
    if body < 0:
        raise InputError(f"'{filename}' has an OFX header but no <OFX> body; the download is incomplete. Download it again.")
    lines_before = len(data) - len(stripped)
    prefix_lines = data[:lines_before].count(b"\n")
    return "\n" * prefix_lines + text, version, body + prefix_lines


def _v1_codec(head: str, notes: list[str]) -> str:
    """The codec an OFX 1 header declares (ENCODING and CHARSET), checking the header's shape on the way."""
    fields: dict[str, str] = {}
    for line in head.splitlines():
        if line.lstrip().startswith("<"):
            break
        if match := _HEADER_LINE.match(line):
            fields[match.group(1).upper()] = match.group(2).strip().upper()
    if fields.get("ENCODING") == "UTF-8" or fields.get("ENCODING") == "UNICODE":
        return "utf-8"
    charset = fields.get("CHARSET", "NONE")
    if charset not in CHARSETS:
        notes.append(f"The header's CHARSET:{charset} is not one OFX defines; the text was read as Windows-1252.")
        return "cp1252"
    return CHARSETS[charset]


def _decode(data: bytes, codec: str, notes: list[str]) -> str:
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        pass
    for fallback, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        notes.append(f"The header declares {codec}, but the text is not; it was read as {name}.")
        return text
    notes.append(f"The header declares {codec}, but the text is not; it was read as Latin-1.")
    return data.decode("latin-1")


# ------------------------------------------------------------------------------------------ body


@cache
def _aggregate_tags() -> frozenset[str]:
    """The tags the OFX specification defines as aggregates (they contain other tags), from ofxtools' models."""
    import ofxtools.models  # noqa: F401 - registers every model class
    from ofxtools.models.base import Aggregate

    names: set[str] = {"OFX"}
    pending = [Aggregate]
    while pending:
        for sub in pending.pop().__subclasses__():
            names.add(sub.__name__.upper())
            pending.append(sub)
    return frozenset(names)


@cache
def _element_tags() -> frozenset[str]:
    """The tags the OFX specification defines as elements (they hold a value), from ofxtools' models."""
    import ofxtools.models  # noqa: F401 - registers every model class
    from ofxtools.models.base import Aggregate
    from ofxtools.Types import Element

    names: set[str] = set()
    pending = [Aggregate]
    while pending:
        for sub in pending.pop().__subclasses__():
            names |= {k.upper() for k, v in vars(sub).items() if isinstance(v, Element)}
            pending.append(sub)
    return frozenset(names - _aggregate_tags())


TRANSACTION_LISTS = ("BANKTRANLIST", "INVTRANLIST")


class _Builder:
    """Builds the tree one tag at a time, closing what the file leaves open and noting each repair."""

    def __init__(self, filename: str, notes: list[str]) -> None:
        self.filename = filename
        self.notes = notes
        self.root: ET.Element | None = None
        self.stack: list[ET.Element] = []
        self.count = 0
        self.repairs: dict[str, list[str]] = {}
        self.lists_opened = 0
        self.lists_closed = 0
        self.body_closed = False

    def repair(self, kind: str, where: str) -> None:
        """Note a repair of this kind at `where` (the notes list them by kind)."""
        self.repairs.setdefault(kind, []).append(where)

    def open(self, tag: str, text: str | None, line: int) -> None:
        """A start tag: a leaf when it has a value (and is no aggregate), else an aggregate that stays open."""
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise InputError(f"'{self.filename}' has more than {MAX_ELEMENTS:,} tags; split the download into shorter periods.")
        if self.count % 5000 == 0:
            checkpoint()
        aggregate = tag in _aggregate_tags()
        if aggregate and any(e.tag == tag for e in self.stack):
            self._close_to(tag, line, implicit=True)
        element = ET.Element(tag, {"line": str(line)})
        if self.stack:
            self.stack[-1].append(element)
        elif self.root is None and tag == "OFX":
            self.root = element
        else:
            self.repair("tags outside <OFX> ignored", f"<{tag}> line {line}")
            return
        if text is not None and not aggregate:
            element.text = html.unescape(text)
            return
        if text is not None:
            self.repair("text inside an aggregate ignored", f"<{tag}> line {line}")
        if aggregate or tag not in _element_tags():  # an unknown tag with no value may be a private aggregate
            self.lists_opened += tag in TRANSACTION_LISTS
            self.stack.append(element)
            if len(self.stack) > MAX_DEPTH:
                raise InputError(
                    f"'{self.filename}' line {line}: tags are nested more than {MAX_DEPTH} deep (at <{tag}>), which no "
                    "OFX statement is; the file is damaged. Download it again."
                )

    def close(self, tag: str, line: int, after_leaf: str | None) -> None:
        """An end tag: closes its aggregate (and any left open inside it), or ends a leaf, or is ignored and noted."""
        if any(e.tag == tag for e in self.stack):
            self._close_to(tag, line, implicit=False)
            self.body_closed = self.body_closed or tag == "OFX"
        elif tag != after_leaf:
            self.repair("end tags with no open tag ignored", f"</{tag}> line {line}")

    def _close_to(self, tag: str, line: int, implicit: bool) -> None:
        while self.stack:
            element = self.stack.pop()
            self.lists_closed += element.tag in TRANSACTION_LISTS
            if element.tag == tag:
                if implicit:
                    self.repair("unclosed aggregates closed where the next of their kind opens", f"<{tag}> line {element.get('line')}")
                return
            if element.tag in _aggregate_tags():
                self.repair("unclosed aggregates closed where their parent closes", f"<{element.tag}> line {element.get('line')}")
            # an unknown tag with no text, left open: an empty element

    def finish(self, line: int) -> ET.Element:
        """The tree, once the file is read; `InputError` when it holds no <OFX> or was cut short."""
        if self.root is None:
            raise InputError(f"'{self.filename}' has no <OFX> element; download the statement again.")
        if self.lists_closed < self.lists_opened or not (self.body_closed or self.lists_closed):
            raise InputError(
                f"'{self.filename}' ends at line {line} before its transaction list and its </OFX> tag are closed: "
                "the file looks cut short. Download the statement again."
            )
        if not self.body_closed:
            self.notes.append("The file has no closing </OFX> tag; its transaction lists are complete, so it was read.")
        for kind, places in self.repairs.items():
            shown = ", ".join(places[:MAX_LISTED]) + (f" and {len(places) - MAX_LISTED} more" if len(places) > MAX_LISTED else "")
            self.notes.append(f"{kind[0].upper()}{kind[1:]}: {shown}.")
        return self.root


def _tree(text: str, start: int, filename: str, notes: list[str]) -> ET.Element:
    """The body from `start` as a tree, in one forward pass over its tags (a '<' that starts no tag is text: 'A<B')."""
    builder = _Builder(filename, notes)
    tokens = _TOKEN.finditer(text, start)
    token = next(tokens, None)
    line = text.count("\n", 0, start) + 1
    position = start
    last_leaf: str | None = None
    stray = 0
    while token is not None:
        found = token.start()
        line += text.count("\n", position, found)
        if token.group(1) is None:  # a comment, declaration or processing instruction: skipped whole
            end = text.find("-->" if text.startswith("<!--", found) else ">", found)
            end = len(text) if end < 0 else end + (3 if text.startswith("<!--", found) else 1)
            line += text.count("\n", found, end)
            position = end
            token = next(tokens, None)
            while token is not None and token.start() < end:
                token = next(tokens, None)
            continue
        closing, tag, end = token.group(1) == "/", token.group(2).upper(), token.end()
        following = next(tokens, None)
        stop = following.start() if following is not None else len(text)
        content = text[end:stop].strip()
        stray += content.count("<")
        if text.startswith("<![CDATA[", stop):
            cdata_end = text.find("]]>", stop)
            content = text[stop + 9 : cdata_end if cdata_end >= 0 else len(text)]
            stop = len(text) if cdata_end < 0 else cdata_end + 3
            while following is not None and following.start() < stop:
                following = next(tokens, None)
        if closing:
            builder.close(tag, line, last_leaf)
            last_leaf = None
            if content:
                builder.repair("text after an end tag ignored", f"</{tag}> line {line}")
        else:
            builder.open(tag, content or None, line)
            last_leaf = tag if content and tag not in _aggregate_tags() else None
        line += text.count("\n", found, stop)
        position, token = stop, following
    if stray:
        notes.append(f"{stray} '<' characters that start no tag were read as text.")
    return builder.finish(line)
