"""Reading vCard files as phones and apps really write them.

We do the lexical work ourselves rather than through vobject (see SPEC.md, "Known vobject
0.9.9 traps"): vobject takes no bytes, trips on a BOM, cuts NOTE/TITLE/ORG at the first
comma, cuts data: URIs at their comma, and stops a whole file at the first broken card. Here
a file is decoded, split into cards with their first line numbers (lazily: the importer takes
them a chunk at a time), and each card is read into a plain ``crm.core.cards.Card`` with whole
text values; a card that cannot be read becomes a ``RejectedCard`` without affecting its
neighbours.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from crm.core.cards import (
    Card,
    CardContact,
    CardDate,
    CardPosition,
    CardProblem,
    CardRejected,
    CardRelation,
    RejectedCard,
    may_name_relations,
    raw_hash,
)
from crm.core.content_line import Prop, parse_prop, split_head
from crm.core.errors import CrmError, InvalidInput
from crm.core.normalize import parse_partial_date
from crm.core.vocabulary import POSITION_KINDS
from crm.vcard.charsets import SURROGATE, FileCharset, clean_card, decode_file

# Guards against absurd input, far above what phones write (a 10k-card export with photos is
# tens of MB; a contact photo well under 1 MB). A file's text is held while its cards are
# split out one at a time (iter_path); a single huge card takes about 6x its size.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_CARD_BYTES = 16 * 1024 * 1024


@dataclass
class RawCard:
    """One card's physical lines (BEGIN..END) and where it starts, not yet interpreted."""

    file: str
    line: int
    lines: list[str]
    raw: str
    # What was doubtful before the card is read: bytes in no charset, a missing END:VCARD.
    problems: list[CardProblem] = field(default_factory=list)
    unended: bool = False

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    @property
    def raw_format(self) -> str:
        return "vcard"

    def parse(self) -> Card:
        return parse_card(self)

    def may_relate(self) -> bool:
        return may_name_relations(self.raw)


# -- bytes to text --------------------------------------------------------------------------

def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of a vCard file and how it was read (see ``crm.vcard.charsets``): bytes
    that are not UTF-8 stay in the text as lone surrogates until their card is read."""
    return decode_file(data)


def normalize_newlines(text: str) -> str:
    # CR CR LF comes from files that went through a text-mode CRLF conversion twice.
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n")
    if "\r\n" in text:  # (longer runs of CR before LF: the same, and read twice alike)
        text = re.sub(r"\r+\n", "\n", text)
    if "\n" in text:
        # A bare CR in a file of LF or CRLF lines is inside a value (Thunderbird writes a
        # note's line breaks so): it stays there, and a text value reads it as a newline.
        return text
    return text.replace("\r", "\n")  # old Mac files: CR alone ends every line


# -- splitting a file into cards ------------------------------------------------------------


def looks_like_vcard(text: str) -> bool:
    """A BEGIN:VCARD line, or a card's structure around a damaged one (VERSION, FN and
    END:VCARD): such a file is a vCard file whose card is rejected and kept."""
    if re.search(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", text, re.I | re.M) is not None:
        return True
    return all(re.search(pattern, text, re.I | re.M) is not None for pattern in _STRUCTURE)


def is_vcard_record(raw: str) -> bool:
    """A stored import record's raw text is a vCard (not a CSV or LinkedIn row with its
    header): nearly always its first line says so; else ``looks_like_vcard``."""
    return (raw.lstrip("\ufeff \t\r\n")[:5].upper() == "BEGIN"
            or looks_like_vcard(normalize_newlines(raw)))


def read_stored(file: str, line: int, raw: str) -> tuple[Card, str] | None:
    """A stored import record that is a vCard read again as the import read it, with its
    kind ("vcard"); None when it is no vCard or cannot be read now (it stays stored as it
    is). A ``crm.core.importing.sources.RecordParser``."""
    if not is_vcard_record(raw):
        return None
    try:
        found = next(iter(split_cards(raw, file)), None)
        if not isinstance(found, RawCard):
            return None
        card = found.parse()
    except Exception:  # (read once by the import; one that fails now is not read again)
        return None
    card.line = line  # (read here: ours to set; a dataclass copy cost 5% of an export)
    return card, "vcard"


_STRUCTURE = (r"^[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*$", r"^VERSION[ \t]*[;:]",
              r"^(?:[A-Za-z0-9_-]+\.)?FN[ \t]*[;:]")


def split_cards(text: str, file: str) -> Iterator[RawCard | RejectedCard]:
    """Cards of a file, each with its first line number; stray text and unended cards are
    yielded as rejected so that nothing is silently skipped."""
    current: list[str] | None = None
    start = 0
    stray: list[str] = []
    stray_start = 0
    nested = 0  # AGENT cards (2.1) inside the current one
    text = normalize_newlines(text)
    charset = FileCharset(text) if SURROGATE.search(text) else None
    for index, line in enumerate(_lines(text), start=1):
        # Only a line ending in D (or blank) can be BEGIN:VCARD or END:VCARD: the others,
        # nearly all, are not folded to find out.
        tail = line[-1:]
        marker = (line.strip().upper().replace(" ", "")
                  if tail in "Dd" or tail.isspace() else "")
        if marker == "BEGIN:VCARD":
            if current is not None and _AGENT_OPEN.match(current[-1]):
                nested += 1
                current.append(line)
                continue
            if current is not None:
                yield _unended(file, start, current, charset)
            elif stray:
                yield _stray(file, stray_start, stray, charset)
                stray = []
            current, start, nested = [line], index, 0
        elif current is not None:
            current.append(line)
            if marker == "END:VCARD":
                if nested:
                    nested -= 1
                    continue
                yield _card(file, start, current, charset)
                current = None
        elif line.strip():
            if not stray:
                stray_start = index
            stray.append(line)
    if current is not None:
        yield _unended(file, start, current, charset)
    if stray:
        yield _stray(file, stray_start, stray, charset)


def _lines(text: str) -> Iterator[str]:
    """``text.split("\\n")``, a block at a time: a million-line file is not held as a million
    strings at once."""
    for block in blocks(text):
        yield from block.split("\n")


def blocks(text: str, size: int = 256 * 1024) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, cut at newlines (which they drop):
    ``"\\n".join(blocks(text)) == text``."""
    start = 0
    while True:
        end = text.find("\n", start + size)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _kept(lines: list[str]) -> str:
    """Raw text to keep; a NUL (which no database text column takes) is kept as U+FFFD."""
    return ("\r\n".join(lines) + "\r\n").replace("\x00", "\ufffd")


_AGENT_OPEN = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?AGENT(?:;[^:]*)?:\s*$", re.IGNORECASE)


def _card(file: str, line: int, lines: list[str], charset: FileCharset | None = None,
          unended: bool = False) -> RawCard | RejectedCard:
    problems: list[CardProblem] = []
    if charset is not None and any(SURROGATE.search(x) for x in lines):
        lines, problems = clean_card(lines, line, charset)
    raw = "\r\n".join(lines) + "\r\n"
    size = len(raw)
    if size > MAX_CARD_BYTES:
        return RejectedCard(file, line, f"card is {_mb(size)}; crm takes cards up to "
                            f"{_mb(MAX_CARD_BYTES)} (is its photo that large?)",
                            raw.replace("\x00", "\ufffd"))
    if "\x00" in raw:
        offset = next(i for i, text in enumerate(lines) if "\x00" in text)
        return RejectedCard(file, line + offset, "NUL character in the card (kept as "
                            "U+FFFD in the rejected text)", raw.replace("\x00", "\ufffd"))
    if unended:
        problems.append(CardProblem(line, "card has no END:VCARD; read up to line "
                                    f"{line + len(lines) - 1}"))
    return RawCard(file, line, lines, raw, problems, unended)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _unended(file: str, line: int, lines: list[str],
             charset: FileCharset | None) -> RawCard | RejectedCard:
    """A card whose END:VCARD is missing (cut off at the end of the file, or followed by
    the next card's BEGIN) is read as far as it goes, and the gap reported."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return _card(file, line, lines, charset, unended=True)


def _stray(file: str, line: int, lines: list[str],
           charset: FileCharset | None = None) -> RejectedCard:
    if charset is not None and any(SURROGATE.search(x) for x in lines):
        lines = clean_card(lines, line, charset)[0]
    # Where, never what: the text may be anything (an error is printed and stored).
    return RejectedCard(file, line, f"text outside any card ({len(lines)} line"
                        f"{'s' if len(lines) != 1 else ''}, not between BEGIN:VCARD and "
                        "END:VCARD)", _kept(lines))


def read_path(path: Path) -> list[RawCard | RejectedCard]:
    """Split one file into cards; a file that is no vCard at all is one clear CrmError."""
    return list(iter_path(path))


def iter_path(path: Path) -> Iterator[RawCard | RejectedCard]:
    """The cards of one file, one at a time: the file's text is held while they are read,
    never all of its cards at once. A file that is no vCard at all is one clear CrmError,
    raised before the first card."""
    text = read_text(path)
    yield from split_cards(text, str(path))


def read_text(path: Path) -> str:
    """The text of a vCard file, decoded, with newlines normalized; a file that is no vCard
    at all is one clear CrmError."""
    if not path.exists():
        raise CrmError(f"{path}: no such file")
    if path.is_dir():
        raise CrmError(f"{path}: is a directory, not a vCard file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CrmError(f"{path}: file is {_mb(size)}; crm imports vCard files up to "
                           f"{_mb(MAX_FILE_BYTES)} (split it into smaller files)")
        data = path.read_bytes()
    except OSError as err:
        raise CrmError(f"{path}: cannot read: {err.strerror}") from None
    if not data.strip():
        raise CrmError(f"{path}: file is empty")
    text, how = decode_bytes(data)
    binary = b"\x00" in data[:4096] and not how.startswith("utf-16")
    del data  # a large file is held once, not twice, while it is split
    text = normalize_newlines(text)
    if not looks_like_vcard(text):
        # NULs in a vCard file only spoil the cards they are in; without one card, they
        # mean an image, an archive or some other binary file.
        if binary:
            raise CrmError(f"{path}: binary file, not a vCard file")
        raise CrmError(f"{path}: not a vCard file (no BEGIN:VCARD line)")
    return text


# -- logical lines and properties -----------------------------------------------------------

_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")
_PROPERTY_START = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_/-]+[;:]")


def logical_lines(card: RawCard) -> Iterator[tuple[int, str]]:
    """Unfold continuation lines, quoted-printable soft breaks and unindented 2.1 base64."""
    current: str | None = None
    start = card.line
    qp = b64 = False
    for offset, line in enumerate(card.lines):
        number = card.line + offset
        if not line:
            b64 = False
            if qp and current is not None and current.endswith("="):
                # A soft break before a blank line breaks onto nothing.
                current, qp = current[:-1], False
            continue
        if current is not None:
            if line[0] in " \t":
                if qp and current.endswith("="):
                    current = current[:-1]
                current += line[1:]
                continue
            if qp and current.endswith("="):
                if line.strip().upper() == "END:VCARD":
                    current = current[:-1]  # a dangling soft break on the last property
                else:
                    current = current[:-1] + line
                    continue
            if b64 and _BASE64_LINE.match(line):
                current += line
                continue
            if current.endswith("\\") and not current.endswith("\\\\") and \
                    not _PROPERTY_START.match(line):
                # vCard 2.1 as some phones write it: a line break kept by a backslash.
                current = current[:-1] + "\\n" + line
                continue
            yield start, current
        current, start = line, number
        head = line[: line.find(":")].upper() if ":" in line else ""
        qp = "QUOTED-PRINTABLE" in head
        b64 = "BASE64" in head or "ENCODING=B" in head
    if current is not None:
        yield start, current


# -- values ---------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\([\\,;:nN\"'])")
_UNESCAPED = {"\\": "\\", ",": ",", ";": ";", ":": ":", "n": "\n", "N": "\n", '"': '"',
              "'": "'"}


def unescape(value: str) -> str:
    """vCard text escapes undone, with the quotes Mac Address Book and Gmail escape (``\\"``);
    another unknown ``\\x`` is kept as typed (2.1 has no escapes: ``C:\\Users``)."""
    if "\\" not in value:
        return value
    return _ESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], value)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split at ``sep`` unless backslash-escaped; the parts are still escaped."""
    if "\\" not in value:
        return value.split(sep)
    out, buf = [], []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            buf.append(value[i: i + 2])
            i += 2
            continue
        if ch == sep:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    out.append("".join(buf))
    return out


def decoded_value(prop: Prop) -> str:
    """The property value with quoted-printable and its CHARSET undone (still escaped)."""
    encoding = (prop.param("ENCODING") or "").upper()
    if encoding != "QUOTED-PRINTABLE":
        return prop.value
    data = quopri.decodestring(prop.value.encode("utf-8"))
    charset = (prop.param("CHARSET") or "utf-8").lower()
    for name in (charset, "utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")  # pragma: no cover - latin-1 decodes every byte


def text_value(prop: Prop) -> str:
    return normalize_newlines(unescape(decoded_value(prop))).strip()


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


# -- one card -------------------------------------------------------------------------------

# Apple's placeholder for a birthday without a year (with X-APPLE-OMIT-YEAR=1604).
NO_YEAR = 1604
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_IGNORED_TYPES = {"pref", "internet", "x400"}
_IMAGE_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png",
                "gif": "image/gif", "bmp": "image/bmp", "webp": "image/webp",
                "heic": "image/heic", "tiff": "image/tiff"}
_ANDROID_RELATION_TYPES = {
    "1": "assistant", "2": "brother", "3": "child", "4": "domestic partner", "5": "father",
    "6": "friend", "7": "manager", "8": "mother", "9": "parent", "10": "partner",
    "11": "referred by", "12": "relative", "13": "sister", "14": "spouse",
}
# Properties written fresh by our export (or meaningless to keep).
_NOT_KEPT = {"BEGIN", "END", "VERSION", "PRODID"}
_CONTACT_PROPS = {"EMAIL", "TEL", "URL", "X-SOCIALPROFILE", "ADR", "IMPP"}


def apple_label(text: str) -> str:
    m = _APPLE_LABEL.match(text.strip())
    return m.group(1).lower() if m else text.strip()


def kept_line(p: Prop) -> str:
    """A property kept as it is, except that quoted-printable (2.1 only) is undone and a
    bare CR inside the value (Thunderbird) is written as the ``\\n`` it means."""
    if (p.param("ENCODING") or "").upper() != "QUOTED-PRINTABLE":
        return p.text.replace("\r", "\\n") if "\r" in p.text else p.text
    params = "".join(f";{k}={','.join(v)}" for k, v in p.params.items()
                     if k not in ("ENCODING", "CHARSET"))
    group = f"{p.group}." if p.group else ""
    value = normalize_newlines(decoded_value(p)).replace("\n", "\\n")
    return f"{group}{p.name}{params}:{value}"


# IM handles: the property and the service it names (a TYPE or X-SERVICE-TYPE may say more).
_IM_PROPS = {
    "X-AIM": "aim", "X-JABBER": "jabber", "X-SKYPE": "skype", "X-SKYPE-USERNAME": "skype",
    "X-MSN": "msn", "X-YAHOO": "yahoo", "X-ICQ": "icq", "X-GOOGLE-TALK": "google talk",
    "X-GTALK": "google talk", "X-GADUGADU": "gadu-gadu", "X-QQ": "qq", "X-SIP": "sip",
    "X-MS-IMADDRESS": "im", "X-KADDRESSBOOK-X-IMADDRESS": "im", "X-GROUPWISE": "groupwise",
    "X-TWITTER": "twitter",
}
# KDE's kaddressbook: X-messaging/gadu-All, X-messaging/xmpp-All… (a "/" vCard forbids).
_KDE_IM = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?X-messaging/([A-Za-z0-9_-]+?)(?:-All)?[;:]",
                     re.IGNORECASE)
# Named people written as plain text: a manager, an assistant, a spouse.
_NAMED_RELATIONS = {
    "X-MS-MANAGER": "manager", "X-MANAGER": "manager", "X-EVOLUTION-MANAGER": "manager",
    "X-KADDRESSBOOK-X-MANAGERSNAME": "manager", "X-ASSISTANT": "assistant",
    "X-MS-ASSISTANT": "assistant", "X-EVOLUTION-ASSISTANT": "assistant",
    "X-KADDRESSBOOK-X-ASSISTANTSNAME": "assistant", "X-EVOLUTION-SPOUSE": "spouse",
    "X-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse", "X-KADDRESSBOOK-X-SPOUSESNAME": "spouse",
}
_DATES = {"ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary",
          "X-EVOLUTION-ANNIVERSARY": "anniversary", "X-MS-ANNIVERSARY": "anniversary",
          "X-KADDRESSBOOK-X-ANNIVERSARY": "anniversary", "X-ABDATE": "date"}


def _props(raw: RawCard, problems: list[CardProblem]) -> list[Prop]:
    """The card's properties; a line that is none is reported and left in the raw card, and
    an AGENT card nested inside (2.1) becomes the AGENT's value."""
    props: list[Prop] = []
    agent: list[str] | None = None
    agent_prop: Prop | None = None
    depth = 0
    for number, line in logical_lines(raw):
        if not line.strip():
            continue
        if agent is not None and agent_prop is not None:
            agent.append(line)
            marker = line.strip().upper().replace(" ", "")
            depth += marker == "BEGIN:VCARD"
            depth -= marker == "END:VCARD"
            if depth == 0:
                escaped = "\\n".join(x.replace("\\", "\\\\").replace(",", "\\,")
                                     .replace(";", "\\;") for x in agent)
                agent_prop.value = escaped
                agent_prop.text = f"{agent_prop.text.rstrip()}{escaped}"
                props.append(agent_prop)
                agent = agent_prop = None
            continue
        if line.lstrip().startswith("#"):
            problems.append(CardProblem(number, "a comment line (no vCard property); left "
                                        "out, kept in the raw card"))
            continue
        try:
            prop = parse_prop(number, line)
        except CardRejected as err:
            im = _KDE_IM.match(line)
            parts = split_head(line)
            if im and parts:
                prop = Prop(number, None, "X-KDE-IM", {"X-SERVICE-TYPE": [im.group(1)]},
                            parts[1], line)
            else:
                problems.append(CardProblem(err.line, f"{err.message}: left out, kept in the "
                                            "raw card"))
                continue
        if prop.name == "AGENT" and not prop.value.strip():
            agent, agent_prop, depth = [], prop, 0
            continue
        props.append(prop)
    if agent is not None:
        problems.append(CardProblem(agent_prop.line if agent_prop else raw.line,
                                    "AGENT card has no END:VCARD: left out, kept in the raw "
                                    "card"))
    if props and props[0].name == "BEGIN":
        props = props[1:]
    if props and props[-1].name == "END":
        props = props[:-1]
    elif not raw.unended:
        raise CardRejected(raw.line, "card has no END:VCARD")
    return props


def parse_card(raw: RawCard) -> Card:
    """Read one card; raises CardRejected with the line and reason only when it has neither
    a name nor a contact point (every other problem is in ``Card.problems``)."""
    problems = list(raw.problems)
    props = _props(raw, problems)
    version = next((p.value.strip() for p in props if p.name == "VERSION"), "3.0")
    group_labels: dict[str, str] = {}
    group_kinds: dict[str, set[str]] = {}
    for p in props:
        if p.group:
            group_kinds.setdefault(p.group.lower(), set()).add(p.name)
            if p.name == "X-ABLABEL":
                group_labels[p.group.lower()] = apple_label(text_value(p))
    card = Card(file=raw.file, line=raw.line, raw=raw.raw, problems=problems)
    labels: list[str] = []  # the raw LABEL lines, as card.address_labels
    crm_positions: list[CardPosition] = []  # X-CRM-POSITION lines
    company_lines: list[Prop] = []  # X-CRM-ALIAS, X-CRM-DOMAIN lines
    fn: str | None = None
    show_as_company = False
    for p in props:
        name = p.name
        label = group_labels.get(p.group.lower()) if p.group else None
        if name == "FN":
            fn = clean(text_value(p))
        elif name == "N":
            parts = [clean(normalize_newlines(unescape(x)))
                     for x in split_escaped(decoded_value(p), ";")]
            parts += [None] * (5 - len(parts))
            (card.family_name, card.given_name, card.additional_names, card.name_prefix,
             card.name_suffix) = parts[:5]
        elif name == "NICKNAME":
            card.nickname = clean(text_value(p))
        elif name == "ORG":
            parts = [normalize_newlines(unescape(x)).strip()
                     for x in split_escaped(decoded_value(p), ";")]
            card.org = clean(parts[0])
            card.department = clean("; ".join(x for x in parts[1:] if x))
            if card.positions and card.positions[-1].org is None:
                # A TITLE written before its ORG (Outlook writes TITLE first).
                card.positions[-1].org, card.positions[-1].department = (card.org,
                                                                         card.department)
            else:
                card.positions.append(CardPosition(card.org, card.department))
        elif name in ("TITLE", "ROLE"):
            value = clean(text_value(p))
            if name == "TITLE":
                card.title = value
            else:
                card.role = value
                card.stored_lines.append(("role", kept_line(p)))
            last = card.positions[-1] if card.positions else None
            if last is None or getattr(last, name.lower()) is not None:
                last = CardPosition(None)
                card.positions.append(last)
            setattr(last, name.lower(), value)
        elif name == "NOTE":
            note = text_value(p)
            card.note = f"{card.note}\n\n{note}" if card.note and note else (card.note or
                                                                              clean(note))
        elif name == "UID":
            card.uid = clean(unescape(p.value))
        elif name == "REV":
            card.known_on = _rev_date(p.value)
            card.extra_lines.append(kept_line(p))
        elif name == "BDAY":
            if not _read_birthday(card, p):
                # (The line is kept and exported as it came; the warning says so without
                # repeating the contact's text.)
                problems.append(CardProblem(p.line, "BDAY is not a date crm can read "
                                            "(YYYY-MM-DD, --MM-DD or YYYY): not taken as a "
                                            "birthday, kept on the card as written",
                                            damaged=False))
                card.extra_lines.append(kept_line(p))
        elif name == "PHOTO":
            if not _read_photo(card, p, problems):
                card.extra_lines.append(kept_line(p))
        elif name == "CATEGORIES":
            for part in split_escaped(decoded_value(p), ","):
                tag = normalize_newlines(unescape(part)).strip()
                if tag and tag not in card.categories:
                    card.categories.append(tag)
        elif name == "POSITION":  # X-CRM-POSITION, written by crm's export
            job = _read_position(p)
            if job is not None:
                crm_positions.append(job)
        elif name == "ME":  # X-CRM-ME
            card.is_me = p.value.strip().lower() in ("1", "true", "yes")
        elif name in ("ALIAS", "DOMAIN"):  # X-CRM-ALIAS, X-CRM-DOMAIN: a company card's
            company_lines.append(p)
        elif name == "KIND" and p.value.strip().lower() == "org":
            show_as_company = True
            card.extra_lines.append(kept_line(p))
        elif name == "X-ABSHOWAS":
            show_as_company = p.value.strip().upper() == "COMPANY"
            card.extra_lines.append(kept_line(p))
        elif name in _CONTACT_PROPS:
            contact = _read_contact(p, label, version)
            if contact is not None:
                card.contacts.append(contact)
        elif name in _IM_PROPS or name == "X-KDE-IM":
            handle = text_value(p)
            service = (p.param("X-SERVICE-TYPE") or _IM_PROPS.get(name, "im")).lower()
            if handle:
                card.contacts.append(CardContact("social", handle, label or service,
                                                 "pref" in p.types(),
                                                 kept=name != "X-KDE-IM"))
            if name != "X-KDE-IM":  # (not a vCard name: exported the standard way)
                card.extra_lines.append(kept_line(p))
        elif name == "X-ABLABEL":
            kinds = group_kinds.get((p.group or "").lower(), set())
            if "X-ABRELATEDNAMES" in kinds:
                card.stored_lines.append(("relation", kept_line(p)))
            elif kinds & set(_DATES):
                card.stored_lines.append(("date", kept_line(p)))
            elif not kinds & _CONTACT_PROPS:
                card.extra_lines.append(kept_line(p))
        elif name == "X-ABRELATEDNAMES":
            words = [t for t in p.types() if t not in _IGNORED_TYPES]
            rel_label = label or (words[0] if words else None)
            if text_value(p):
                card.relations.append(CardRelation(text_value(p), rel_label,
                                                   preferred=_preferred(p)))
            card.stored_lines.append(("relation", kept_line(p)))
        elif name == "RELATED":
            _read_related(card, p)
            card.stored_lines.append(("relation", kept_line(p)))
        elif name in _NAMED_RELATIONS:
            person = text_value(p)
            if person:
                card.relations.append(CardRelation(person, _NAMED_RELATIONS[name]))
            card.stored_lines.append(("relation", kept_line(p)))
        elif name == "AGENT":
            _read_agent(card, p)
            card.extra_lines.append(kept_line(p))
        elif name in _DATES:
            date = _read_date(p, label or _DATES[name])
            if date is not None:
                card.dates.append(date)
                card.stored_lines.append(("date", kept_line(p)))
            else:
                card.extra_lines.append(kept_line(p))
        elif name == "LABEL":
            text = text_value(p)
            if text:
                card.address_labels.append(CardContact(
                    "address", text, label or _label_from_types(p.types(), "address"),
                    "pref" in p.types()))
                labels.append(kept_line(p))
            else:
                card.extra_lines.append(kept_line(p))
        elif name == "X-ANDROID-CUSTOM":
            _read_android_custom(card, p)
            card.extra_lines.append(kept_line(p))
        elif name not in _NOT_KEPT:
            card.extra_lines.append(kept_line(p))
    card.positions = [x for x in card.positions if x.org or x.title or x.role]
    _add_crm_positions(card, crm_positions)
    _match_labels(card, labels)
    named_by_n = any((card.given_name, card.family_name, card.additional_names))
    if show_as_company or (card.org and not named_by_n and (fn is None or fn == card.org)):
        card.is_company = card.org is not None or fn is not None
        card.org = card.org or fn
        card.display_name = fn or card.org or ""
        _read_company_lines(card, company_lines)
        return card
    # (on a person's card they name nothing crm keeps: kept as they came)
    card.extra_lines += [kept_line(p) for p in company_lines]
    card.display_name = fn or _name_from_parts(card) or ""
    if not card.display_name and not card.is_company:
        raise CardRejected(raw.line, "card has no name (no FN, N, nickname, email or phone)")
    return card


def _read_company_lines(card: Card, lines: list[Prop]) -> None:
    """A company card's other names (X-CRM-ALIAS:name) and mail domains
    (X-CRM-DOMAIN:domain;how crm learned it), as crm's export writes them."""
    for p in lines:
        if p.name == "ALIAS":
            alias = clean(text_value(p))
            if alias and alias not in card.aliases:
                card.aliases.append(alias)
            continue
        fields = [clean(normalize_newlines(unescape(x)))
                  for x in split_escaped(decoded_value(p), ";")]
        domain = (fields[0] or "").lower()
        how = fields[1] if len(fields) > 1 else None
        if domain and all(d != domain for d, _ in card.domains):
            card.domains.append((domain, how))


def _read_position(p: Prop) -> CardPosition | None:
    """X-CRM-POSITION:company;department;title;kind;start;end;current (crm's export)."""
    fields = [clean(normalize_newlines(unescape(x)))
              for x in split_escaped(decoded_value(p), ";")]
    fields += [None] * (7 - len(fields))
    org, department, title, kind, start, end, current = fields[:7]
    if not org:
        return None
    if kind not in POSITION_KINDS:
        kind = None
    start, end = _partial(start), _partial(end)
    return CardPosition(org, department, title, kind=kind, start=start, end=end,
                        current=current != "0")


def _partial(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parse_partial_date(text)
    except InvalidInput:
        return None


def _add_crm_positions(card: Card, jobs: list[CardPosition]) -> None:
    """crm's own export: a current position's dates and kind go to the ORG/TITLE pair it
    describes (one the phone changed since is the phone's); a past one is history."""
    for job in jobs:
        if not job.current:
            card.positions.append(job)
            continue
        for pos in card.positions:
            if ((pos.org, pos.department, pos.title) == (job.org, job.department, job.title)
                    and pos.current and pos.start is None and pos.kind is None):
                pos.kind, pos.start, pos.end = job.kind, job.start, job.end
                break


def _match_labels(card: Card, lines: list[str]) -> None:
    """Each LABEL goes with the address of its type (or the card's one address), stored
    as that address's printed form; a LABEL that fits no address stays a kept line."""
    addresses = [c for c in card.contacts if c.kind == "address"]
    for label, line in zip(card.address_labels, lines, strict=True):
        same = [a for a in addresses if a.formatted is None and a.label == label.label]
        if not same and len(addresses) == 1 and addresses[0].formatted is None:
            same = addresses
        if same:
            same[0].formatted = label.value
            card.stored_lines.append(("label", line))
        else:
            card.extra_lines.append(line)


_REV = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})")


def _rev_date(value: str) -> str | None:
    """The date of a REV (2024-03-05T10:00:00Z, 20240305T100000Z, 2024-03-05), else None."""
    m = _REV.match(value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _name_from_parts(card: Card) -> str | None:
    parts = [card.name_prefix, card.given_name, card.additional_names, card.family_name,
             card.name_suffix]
    name = " ".join(p for p in parts if p)
    if name:
        return name
    if card.nickname:
        return card.nickname
    for kind in ("email", "phone"):
        for c in card.contacts:
            if c.kind == kind:
                return c.value
    return card.org


def _label_from_types(types: list[str], kind: str) -> str | None:
    words = [t for t in types if t not in _IGNORED_TYPES]
    if kind == "phone" and len(words) > 1 and "voice" in words:
        words.remove("voice")
    return " ".join(dict.fromkeys(words)) or None


def _read_contact(p: Prop, label: str | None, version: str) -> CardContact | None:
    types = p.types()
    preferred = "pref" in types or p.param("PREF") is not None
    if p.name == "EMAIL":
        kind, value = "email", text_value(p)
    elif p.name == "TEL":
        kind, value = "phone", text_value(p)
        if value.lower().startswith("tel:"):
            value = value[4:]
    elif p.name == "URL":
        kind, value = "url", text_value(p)
    elif p.name == "ADR":
        kind = "address"
        parts = [normalize_newlines(unescape(x)).strip()
                 for x in split_escaped(decoded_value(p), ";")]
        value = ", ".join(x for x in parts if x)
        if value:
            parts = (parts + [""] * 7)[:7] if len(parts) <= 7 else parts
            return CardContact(kind, value, label or _label_from_types(types, kind), preferred,
                               parts=tuple(parts))
    else:  # X-SOCIALPROFILE, IMPP
        kind, value = "social", text_value(p)
        if label is None:
            service = p.param("X-SERVICE-TYPE") or (types[0] if types else None)
            label = service.lower() if service else None
            types = []
    if not value:
        return None
    return CardContact(kind, value, label or _label_from_types(types, kind), preferred)


def _read_birthday(card: Card, p: Prop) -> bool:
    value = p.value.strip()
    omit_year = p.param("X-APPLE-OMIT-YEAR")
    value = value.split("T", 1)[0]
    m = (re.match(r"^(\d{4})-?(\d{2})-?(\d{2})$", value)
         or re.match(r"^--(\d{2})-?(\d{2})$", value) or re.match(r"^(\d{4})$", value))
    if not m:
        return False
    groups = m.groups()
    if len(groups) == 3:
        year = int(groups[0])
        if year == NO_YEAR or (omit_year is not None and str(year) == omit_year.strip()):
            card.birthday_year = None
        else:
            card.birthday_year = year
        card.birthday_month, card.birthday_day = int(groups[1]), int(groups[2])
    elif len(groups) == 2:
        card.birthday_month, card.birthday_day = int(groups[0]), int(groups[1])
    else:
        card.birthday_year = int(groups[0])
    month, day = card.birthday_month, card.birthday_day
    if month is not None and day is not None and not (1 <= month <= 12 and 1 <= day <= 31):
        card.birthday_year = card.birthday_month = card.birthday_day = None
        return False
    return True


def _read_photo(card: Card, p: Prop, problems: list[CardProblem]) -> bool:
    value = p.value.strip()
    encoding = (p.param("ENCODING") or "").upper()
    mime: str | None = None
    if value.lower().startswith("data:"):
        header, _, payload = value.partition(",")
        mime = header[5:].split(";", 1)[0] or None
        if ";base64" not in header.lower():
            return False
    elif encoding in ("B", "BASE64"):
        payload = value
    else:
        return False  # a photo URL: kept as it is
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        # Broken or cut short: the rest of the card is read; the photo stays in the raw card.
        problems.append(CardProblem(p.line, "PHOTO is not valid base64 (damaged or cut "
                                    "short): left out, kept in the raw card"))
        return True
    if mime is None:
        kind = next((t for t in p.types() if t in _IMAGE_TYPES), None)
        mime = _IMAGE_TYPES[kind] if kind else _sniff_image(data)
    card.photo, card.photo_type = data, mime
    return True


def _sniff_image(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "application/octet-stream"


def _read_date(p: Prop, label: str) -> CardDate | None:
    value = p.value.strip().split("T", 1)[0]
    m = (re.match(r"^(\d{4})-?(\d{2})-?(\d{2})$", value)
         or re.match(r"^--(\d{2})-?(\d{2})$", value))
    if not m:
        return None
    groups = [int(x) for x in m.groups()]
    year = groups[0] if len(groups) == 3 else None
    month, day = groups[-2], groups[-1]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    omit = p.param("X-APPLE-OMIT-YEAR")
    if year == NO_YEAR or (omit is not None and str(year) == omit.strip()):
        year = None
    return CardDate(label, year, month, day, preferred=_preferred(p))


def _preferred(p: Prop) -> bool:
    """TYPE=pref (2.1, 3.0) or PREF=n (4.0): the value the card prefers."""
    return "pref" in p.types() or p.param("PREF") is not None


def _read_agent(card: Card, p: Prop) -> None:
    """An AGENT card (an assistant, written whole inside the card) names a person."""
    if p.value.lower().startswith(("http:", "https:", "urn:", "mailto:")):
        return
    lines = normalize_newlines(unescape(p.value)).split("\n")
    try:
        agent = parse_card(RawCard(card.file, p.line, lines, "\r\n".join(lines), unended=True))
    except CardRejected:
        return
    if agent.display_name:
        card.relations.append(CardRelation(agent.display_name, "agent"))


def _read_related(card: Card, p: Prop) -> None:
    value = text_value(p)
    label = next((t for t in p.types() if t not in _IGNORED_TYPES), None)
    value_type = (p.param("VALUE") or "").lower()
    if value_type != "text" and re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
        uid = value[9:] if value.lower().startswith("urn:uuid:") else value
        card.relations.append(CardRelation("", label, uid=uid, preferred=_preferred(p)))
    else:
        card.relations.append(CardRelation(value, label, preferred=_preferred(p)))


def _read_android_custom(card: Card, p: Prop) -> None:
    fields = [unescape(x) for x in split_escaped(decoded_value(p), ";")]
    kind = fields[0].strip().lower() if fields else ""
    if kind == "vnd.android.cursor.item/relation" and len(fields) > 1 and fields[1].strip():
        code = fields[2].strip() if len(fields) > 2 else ""
        label = _ANDROID_RELATION_TYPES.get(code) or (fields[3].strip() if len(fields) > 3
                                                       else None)
        card.relations.append(CardRelation(fields[1].strip(), label or None))
    elif kind == "vnd.android.cursor.item/nickname" and len(fields) > 1 and not card.nickname:
        card.nickname = clean(fields[1])
