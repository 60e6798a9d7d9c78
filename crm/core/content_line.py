"""One line of a vCard as text: a content line's ``group.NAME;params`` head and value,
split at the first unquoted colon, and its parameters read (quotes, commas, vCard 2.1's
bare words). No vobject: the vCard reader (crm.vcard.reader) reads every line with it, and
crm.core.unmapped compares the lines crm keeps for the export by what it reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crm.core.cards import CardRejected


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
        # (the line's text is never quoted: it may be anything, and errors are stored)
        raise CardRejected(number, "not a vCard property (no NAME: before a value)")
    head, value = parts
    pieces = split_unquoted(head, ";")
    m = _NAME.match(pieces[0].strip())
    if not m:
        raise CardRejected(number, "bad property name (a name is letters, digits and '-')")
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        piece = piece.strip()
        if not piece:
            continue
        if "=" in piece:
            key, _, raw = piece.partition("=")
            key = key.strip().upper()
            vals = [x.strip() for v in split_unquoted(raw, ",")
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


def split_unquoted(text: str, sep: str) -> list[str]:
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
