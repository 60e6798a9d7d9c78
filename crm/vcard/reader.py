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
import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crm.core.cards import (
    Card,
    CardContact,
    CardRejected,
    CardRelation,
    RejectedCard,
    raw_hash,
)
from crm.core.errors import CrmError

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

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    def parse(self) -> Card:
        return parse_card(self)


# -- bytes to text --------------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb";\s*CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of a vCard file and the charset it was read with.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised; otherwise a charset
    declared by the file's own ``CHARSET=`` parameters is used, then Windows-1252 (what
    Outlook writes), and Latin-1 only for bytes Windows-1252 leaves undefined.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A broken code unit becomes U+FFFD rather than failing the whole file.
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = [m.group(1).decode("ascii").lower() for m in _DECLARED_CHARSET.finditer(data)]
    for name in dict.fromkeys(declared):
        if _is_codec(name) and codecs.lookup(name).name not in ("utf-8", "ascii"):
            try:
                text = data.decode(name)
            except (UnicodeError, LookupError, ValueError):
                continue  # a charset this data is not in, or a codec that is not a text one
            # A declaration the file cannot be in as a whole (UTF-16, EBCDIC…) is ignored.
            if re.search(r"BEGIN[ \t]*:[ \t]*VCARD", text, re.I):
                return text, codecs.lookup(name).name
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def normalize_newlines(text: str) -> str:
    # CR CR LF comes from files that went through a text-mode CRLF conversion twice.
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


# -- splitting a file into cards ------------------------------------------------------------


def looks_like_vcard(text: str) -> bool:
    """A BEGIN:VCARD line, or a card's structure around a damaged one (VERSION, FN and
    END:VCARD): such a file is a vCard file whose card is rejected and kept."""
    if re.search(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", text, re.I | re.M) is not None:
        return True
    return all(re.search(pattern, text, re.I | re.M) is not None for pattern in _STRUCTURE)


_STRUCTURE = (r"^[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*$", r"^VERSION[ \t]*[;:]",
              r"^(?:[A-Za-z0-9_-]+\.)?FN[ \t]*[;:]")


def split_cards(text: str, file: str) -> Iterator[RawCard | RejectedCard]:
    """Cards of a file, each with its first line number; stray text and unended cards are
    yielded as rejected so that nothing is silently skipped."""
    current: list[str] | None = None
    start = 0
    stray: list[str] = []
    stray_start = 0
    for index, line in enumerate(_lines(normalize_newlines(text)), start=1):
        # Only a line ending in D (or blank) can be BEGIN:VCARD or END:VCARD: the others,
        # nearly all, are not folded to find out.
        tail = line[-1:]
        marker = (line.strip().upper().replace(" ", "")
                  if tail in "Dd" or tail.isspace() else "")
        if marker == "BEGIN:VCARD":
            if current is not None:
                yield _unended(file, start, current)
            elif stray:
                yield _stray(file, stray_start, stray)
                stray = []
            current, start = [line], index
        elif current is not None:
            current.append(line)
            if marker == "END:VCARD":
                yield _card(file, start, current)
                current = None
        elif line.strip():
            if not stray:
                stray_start = index
            stray.append(line)
    if current is not None:
        yield _unended(file, start, current)
    if stray:
        yield _stray(file, stray_start, stray)


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


def _card(file: str, line: int, lines: list[str]) -> RawCard | RejectedCard:
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
    return RawCard(file, line, lines, raw)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _unended(file: str, line: int, lines: list[str]) -> RejectedCard:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return RejectedCard(file, line, "card has no END:VCARD", _kept(lines))


def _stray(file: str, line: int, lines: list[str]) -> RejectedCard:
    shown = lines[0].strip()[:40].replace("\x00", "\ufffd")
    return RejectedCard(file, line, f"text outside any card: {shown!r}", _kept(lines))


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
    binary = b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE,
                                                             codecs.BOM_UTF16_BE))
    text = decode_bytes(data)[0]
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


@dataclass
class Prop:
    """One property: group, upper-case name, parameters (upper-case keys) and raw value."""

    line: int
    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str
    text: str  # the whole unfolded line, for properties kept as they are

    def types(self) -> list[str]:
        return [t.lower() for t in self.params.get("TYPE", ())]

    def param(self, key: str) -> str | None:
        vals = self.params.get(key)
        return vals[0] if vals else None


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
            yield start, current
        current, start = line, number
        head = line[: line.find(":")].upper() if ":" in line else ""
        qp = "QUOTED-PRINTABLE" in head
        b64 = "BASE64" in head or "ENCODING=B" in head
    if current is not None:
        yield start, current


def split_head(line: str) -> tuple[str, str] | None:
    """The ``group.NAME;params`` part and the value, split at the first unquoted colon."""
    colon = line.find(":")
    if colon < 0:
        return None
    quote = line.find('"', 0, colon)
    if quote < 0:
        return line[:colon], line[colon + 1:]
    in_quotes = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            return line[:i], line[i + 1:]
    return None


_NAME = re.compile(r"^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)$")
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


def parse_prop(number: int, line: str) -> Prop:
    parts = split_head(line)
    if parts is None:
        raise CardRejected(number, f"not a vCard property: {line.strip()[:40]!r}")
    head, value = parts
    pieces = _split_unquoted(head, ";")
    m = _NAME.match(pieces[0].strip())
    if not m:
        raise CardRejected(number, f"bad property name {pieces[0].strip()[:40]!r}")
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        piece = piece.strip()
        if not piece:
            continue
        if "=" in piece:
            key, _, raw = piece.partition("=")
            key = key.strip().upper()
            vals = [x.strip() for v in _split_unquoted(raw, ",")
                    for x in v.strip().strip('"').split(",")]
        else:
            # vCard 2.1 bare words: TEL;CELL;PREF, PHOTO;BASE64, NOTE;QUOTED-PRINTABLE.
            key = "ENCODING" if piece.upper() in _BARE_ENCODINGS else "TYPE"
            vals = [piece]
        params.setdefault(key, []).extend(v for v in vals if v)
    name = m.group(2).upper()
    if name.startswith("X-CRM-"):
        # crm's 3.0 export writes 4.0-only properties (KIND, RELATED…) this way.
        name = name[6:]
    return Prop(number, m.group(1), name, params, value, line)


def _split_unquoted(text: str, sep: str) -> list[str]:
    if '"' not in text:
        return text.split(sep)
    out, buf, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == sep and not quoted:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


# -- values ---------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\([\\,;:nN])")
_UNESCAPED = {"\\": "\\", ",": ",", ";": ";", ":": ":", "n": "\n", "N": "\n"}


def unescape(value: str) -> str:
    """vCard text escapes undone; an unknown ``\\x`` is kept as typed (2.1 has no escapes)."""
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
    """A property kept as it is, except that quoted-printable (2.1 only) is undone."""
    if (p.param("ENCODING") or "").upper() != "QUOTED-PRINTABLE":
        return p.text
    params = "".join(f";{k}={','.join(v)}" for k, v in p.params.items()
                     if k not in ("ENCODING", "CHARSET"))
    group = f"{p.group}." if p.group else ""
    value = normalize_newlines(decoded_value(p)).replace("\n", "\\n")
    return f"{group}{p.name}{params}:{value}"


def parse_card(raw: RawCard) -> Card:
    """Read one card; raises CardRejected with the line and reason when it cannot be read."""
    props: list[Prop] = []
    for number, line in logical_lines(raw):
        if not line.strip():
            continue
        props.append(parse_prop(number, line))
    if len(props) < 2 or props[-1].name != "END":
        raise CardRejected(raw.line, "card has no END:VCARD")
    props = props[1:-1]  # BEGIN, END
    version = next((p.value.strip() for p in props if p.name == "VERSION"), "3.0")
    group_labels: dict[str, str] = {}
    group_kinds: dict[str, set[str]] = {}
    for p in props:
        if p.group:
            group_kinds.setdefault(p.group.lower(), set()).add(p.name)
            if p.name == "X-ABLABEL":
                group_labels[p.group.lower()] = apple_label(text_value(p))
    card = Card(file=raw.file, line=raw.line, raw=raw.raw)
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
        elif name == "TITLE":
            card.title = clean(text_value(p))
        elif name == "NOTE":
            note = text_value(p)
            card.note = f"{card.note}\n\n{note}" if card.note and note else (card.note or
                                                                              clean(note))
        elif name == "UID":
            card.uid = clean(unescape(p.value))
        elif name == "BDAY":
            if not _read_birthday(card, p):
                card.extra_lines.append(kept_line(p))
        elif name == "PHOTO":
            if not _read_photo(card, p):
                card.extra_lines.append(kept_line(p))
        elif name == "CATEGORIES":
            for part in split_escaped(decoded_value(p), ","):
                tag = normalize_newlines(unescape(part)).strip()
                if tag and tag not in card.categories:
                    card.categories.append(tag)
        elif name == "X-ABSHOWAS":
            show_as_company = p.value.strip().upper() == "COMPANY"
            card.extra_lines.append(kept_line(p))
        elif name in _CONTACT_PROPS:
            contact = _read_contact(p, label, version)
            if contact is not None:
                card.contacts.append(contact)
        elif name == "X-ABLABEL":
            kinds = group_kinds.get((p.group or "").lower(), set())
            if not kinds & _CONTACT_PROPS:
                card.extra_lines.append(kept_line(p))
        elif name == "X-ABRELATEDNAMES":
            rel_label = label or (p.types()[0] if p.types() else None)
            card.relations.append(CardRelation(text_value(p), rel_label))
            card.extra_lines.append(kept_line(p))
        elif name == "RELATED":
            _read_related(card, p)
            card.extra_lines.append(kept_line(p))
        elif name == "X-ANDROID-CUSTOM":
            _read_android_custom(card, p)
            card.extra_lines.append(kept_line(p))
        elif name not in _NOT_KEPT:
            card.extra_lines.append(kept_line(p))
    named_by_n = any((card.given_name, card.family_name, card.additional_names))
    if show_as_company or (card.org and not named_by_n and (fn is None or fn == card.org)):
        card.is_company = card.org is not None or fn is not None
        card.org = card.org or fn
        card.display_name = fn or card.org or ""
        return card
    card.display_name = fn or _name_from_parts(card) or ""
    if not card.display_name and not card.is_company:
        raise CardRejected(raw.line, "card has no name (no FN, N, nickname, email or phone)")
    return card


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


def _read_photo(card: Card, p: Prop) -> bool:
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
        raise CardRejected(p.line, "PHOTO is not valid base64") from None
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


def _read_related(card: Card, p: Prop) -> None:
    value = text_value(p)
    label = next((t for t in p.types() if t not in _IGNORED_TYPES), None)
    value_type = (p.param("VALUE") or "").lower()
    if value_type != "text" and re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
        uid = value[9:] if value.lower().startswith("urn:uuid:") else value
        card.relations.append(CardRelation("", label, uid=uid))
    else:
        card.relations.append(CardRelation(value, label))


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
