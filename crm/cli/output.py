"""Printing for the CLI: JSON on stdout, messages on stderr, tables with literal text."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from crm.core.terminal_text import json_for_terminal, terminal_text
from crm.core.terminal_text import one_line as _one_line

if TYPE_CHECKING:
    from crm.core.contacts.everyone import PersonRow
    from crm.core.contacts.people import PersonSummary
    from crm.core.upkeep.duplicates import DuplicatePair


def literal(text: object) -> str:
    """Text from data made safe for a terminal (crm.core.terminal_text: the one rule)."""
    return terminal_text(text)


def one_line(text: object) -> str:
    return _one_line(text)


def emit_json(data: Any) -> None:
    text = json_text(data)
    # The same JSON values, with every character a terminal would act on as \uXXXX.
    click.echo(json_for_terminal(text))


def emit_data(text: str, *, kind: str) -> None:
    """A data file (``kind``: "json" or "vcard") written to standard output.

    Piped or redirected, it is exactly the bytes ``-o`` writes (never click's ANSI
    stripping). On a terminal it is shown for reading: JSON as the same JSON with such
    characters as \\uXXXX escapes, a vCard with them shown escaped (\\x1b): a terminal never
    acts on a control character from data. The exact bytes: ``-o FILE`` or a pipe.
    """
    if sys.stdout.isatty():
        shown = json_for_terminal(text) if kind == "json" else terminal_text(text, multiline=True)
        click.echo(shown, nl=False)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


# The C string encoder (json's own): ``json.dumps`` with ``indent`` falls back to its
# pure-Python encoder for everything, 0.4 s for the 26k pairs of `crm duplicates --json`.
_string = json.encoder.encode_basestring


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o in (float("inf"), float("-inf")):
        return "Infinity" if o > 0 else "-Infinity"
    return float.__repr__(o)


def _key(k: object) -> str:
    if isinstance(k, str):
        return k
    if k is True or k is False or k is None:
        return json.dumps(k)
    if isinstance(k, int):
        return int.__repr__(k)
    if isinstance(k, float):
        return _float(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _encode(o: Any, out: list[str], nl: str) -> None:
    # The order of json's encoder: str, None, True, False, int, float, list, dict, default.
    if isinstance(o, str):
        out.append(_string(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o))
    elif isinstance(o, list | tuple):
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for value in o:
            out.append(sep)
            _encode(value, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, value in o.items():
            out.append(sep + _string(_key(k)) + ": ")
            _encode(value, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    else:
        _encode(str(o), out, nl)  # (default=str)


def json_text(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, default=str)``, the same text,
    made a few times faster."""
    out: list[str] = []
    _encode(data, out, "\n")
    return "".join(out)


def _nested(item: Any) -> str:
    """``json_text(item)`` as an element of a top-level list (indented one level)."""
    if type(item) is dict:
        flat = _flat_nested(item)
        if flat is not None:
            return flat
    out: list[str] = []
    _encode(item, out, "\n  ")
    return "".join(out)


_KEYS: dict[str, str] = {}


def _flat_nested(item: dict[Any, Any]) -> str | None:
    """``_nested(item)`` for a dict of strings, numbers, booleans, None and lists of
    strings (a person of ``crm people --json``), several times faster than ``_encode``;
    None for any other dict. The same text: the same string encoder, the same layout."""
    parts = []
    for k, v in item.items():
        if type(k) is not str:
            return None
        key = _KEYS.get(k)
        if key is None:
            key = _string(k) + ": "
            if len(_KEYS) < 1000:  # the few keys of a list's items, not data used as keys
                _KEYS[k] = key
        t = type(v)
        if t is str:
            parts.append(key + _string(v))
        elif v is None:
            parts.append(key + "null")
        elif t is bool:
            parts.append(key + ("true" if v else "false"))
        elif t is int:
            parts.append(key + int.__repr__(v))
        elif t is list and all(type(x) is str for x in v):
            parts.append(key + ("[\n      " + ",\n      ".join(map(_string, v)) + "\n    ]"
                                if v else "[]"))
        else:
            return None
    return "{\n    " + ",\n    ".join(parts) + "\n  }" if parts else "{}"


def _strings(values: list[str]) -> str:
    # A list of strings as a value of an item of a top-level list (``_flat_nested``).
    return "[\n      " + ",\n      ".join(map(_string, values)) + "\n    ]" if values else "[]"


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _string(value)


def person_item(person: PersonSummary) -> str:
    """``_nested(person.to_json())`` written out for the shape of a person, without building
    the dict (``crm people --json`` of 100k people); a person with extra keys goes the
    general way. A test compares the two on people with every kind of value."""
    if person.extra:
        return _nested(person.to_json())
    return _person_text(person.id, person.name, person.emails, person.phones, person.urls,
                        person.company, person.title, person.tags, person.note,
                        person.is_me, person.known_via)


def people_rows_text(rows: Sequence[PersonRow]) -> tuple[str, bool]:
    """The people of ``rows`` (``PersonRow``, crm.core.contacts.everyone) as elements of the
    list ``emit_json`` writes (``person_item`` of each, indented, joined by ",\\n"), and
    whether the text may hold a character the terminal escaping rewrites. A test compares
    it with ``person_item``.

    One loop for the batch, no call per person: ``crm people --json`` of 100k people. The
    escaping check looks at the values alone, at once: the layout around them is printable
    but for its newlines, and a value whose characters are all printable is written with
    printable characters only (json escapes the C0 controls, nothing else unprintable)."""
    string = _string
    out = []
    values: list[str] = []
    keep = values.append
    more = values.extend
    for pid, name, emails, phones, urls, company, title, tags, note, is_me, via in rows:
        keep(name)
        more(emails)
        more(phones)
        # A list of strings as _strings writes it; one string (the usual email or phone)
        # without the join.
        if not emails:
            e = "[]"
        elif len(emails) == 1:
            e = f"[\n      {string(emails[0])}\n    ]"
        else:
            e = f"[\n      {_ITEMS.join(map(string, emails))}\n    ]"
        if not phones:
            ph = "[]"
        elif len(phones) == 1:
            ph = f"[\n      {string(phones[0])}\n    ]"
        else:
            ph = f"[\n      {_ITEMS.join(map(string, phones))}\n    ]"
        if urls:
            more(urls)
            u = f"[\n      {_ITEMS.join(map(string, urls))}\n    ]"
        else:
            u = "[]"
        if tags:
            more(tags)
            t = f"[\n      {_ITEMS.join(map(string, tags))}\n    ]"
        else:
            t = "[]"
        if company is None:
            c = "null"
        else:
            keep(company)
            c = string(company)
        if title is None:
            ti = "null"
        else:
            keep(title)
            ti = string(title)
        if note is None:
            n = "null"
        else:
            keep(note)
            n = string(note)
        if via is None:
            v = ""
        else:
            keep(via)
            v = f',\n    "known_via": {string(via)}'
        me = "true" if is_me else "false"
        out.append(f'  {{\n    "id": {pid:d},\n    "name": {string(name)},\n    "emails": {e},'
                   f'\n    "phones": {ph},\n    "urls": {u},\n    "company": {c},'
                   f'\n    "title": {ti},\n    "tags": {t},\n    "note": {n},'
                   f'\n    "me": {me}{v}\n  }}')
    return ",\n".join(out), not "".join(values).isprintable()


_ITEMS = ",\n      "


def _person_text(pid: int, name: str, emails: list[str], phones: list[str], urls: list[str],
                 company: str | None, title: str | None, tags: list[str], note: str | None,
                 is_me: bool, via: str | None) -> str:
    return "".join((
        '{\n    "id": ', int.__repr__(pid),
        ',\n    "name": ', _string(name),
        ',\n    "emails": ', _strings(emails),
        ',\n    "phones": ', _strings(phones),
        ',\n    "urls": ', _strings(urls),
        ',\n    "company": ', _text_or_null(company),
        ',\n    "title": ', _text_or_null(title),
        ',\n    "tags": ', _strings(tags),
        ',\n    "note": ', _text_or_null(note),
        ',\n    "me": ', "true" if is_me else "false",
        "" if via is None else ',\n    "known_via": ' + _string(via),
        "\n  }"))


def duplicate_item(pair: DuplicatePair) -> str:
    """``_nested(pair.to_json())`` written out for the shape of a duplicate pair, without
    building the dicts (``crm duplicates --json``: 26k pairs at 100k people). A test
    compares the two."""
    evidence = ",\n      ".join(
        '{\n        "kind": ' + _string(e.kind) + ',\n        "detail": ' + _string(e.detail)
        + "\n      }" for e in pair.evidence)
    return "".join((
        '{\n    "kind": ', _string(pair.kind),
        ',\n    "keep": {\n      "id": ', int.__repr__(pair.keep.id),
        ',\n      "name": ', _string(pair.keep.name),
        '\n    },\n    "other": {\n      "id": ', int.__repr__(pair.other.id),
        ',\n      "name": ', _string(pair.other.name),
        '\n    },\n    "score": ', int.__repr__(pair.score),
        ',\n    "evidence": ', "[\n      " + evidence + "\n    ]" if evidence else "[]",
        "\n  }"))


def emit_json_stream(batches: Iterable[Sequence[Any]],
                     encode: Callable[[Any], str] | None = None,
                     batch_text: Callable[[Any], tuple[str, bool]] | None = None) -> None:
    """A JSON list written a batch at a time, byte for byte what ``emit_json`` writes for
    the whole list (terminal escaping included): nothing is held but one batch. ``encode``
    turns an item into its text as an element of the list (the fast path of a known shape,
    such as ``person_item``); by default the item is JSON data. ``batch_text`` turns a whole
    batch into those texts joined by ",\\n", and says whether it may need escaping for the
    terminal (``people_rows_text``)."""
    try:
        _write_json_stream(batches, encode, batch_text)
    finally:
        # A reader that stopped reading (`| head -1`) ends the writing with BrokenPipeError:
        # the batches' generator is closed now, in the read session that feeds it, not
        # later by the collector once that session (and its cursors' database) is gone.
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _write_json_stream(batches: Iterable[Sequence[Any]], encode: Callable[[Any], str] | None,
                       batch_text: Callable[[Any], tuple[str, bool]] | None) -> None:
    started = False
    item_text = encode or _nested
    for batch in batches:
        if not batch:
            continue
        if batch_text is not None:
            text, unprintable = batch_text(batch)
        else:
            text = ",\n".join("  " + item_text(item) for item in batch)
            unprintable = not text.replace("\n", "").isprintable()
        # The terminal escaping emit_json applies (character by character, so a batch at a
        # time is the same); a batch with nothing to escape skips the per-character pass.
        if unprintable:
            text = json_for_terminal(text)
        # (color=True: click would otherwise look for ANSI codes to strip from each batch
        # written to a pipe; JSON text holds none, ESC is always written \u001b.)
        # (Two writes: joined, every batch would be copied once more.)
        click.echo(",\n" if started else "[\n", nl=False)
        click.echo(text, nl=False, color=True)
        started = True
    click.echo("\n]" if started else "[]")


def message(text: str) -> None:
    """A human message: always stderr, so stdout stays clean for data."""
    click.echo(text, err=True)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _clip(s: str, width: int) -> str:
    if _width(s) <= width:
        return s + " " * (width - _width(s))
    out, used = "", 0
    for ch in s:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            break
        out += ch
        used += w
    return out + "…" + " " * (width - used - 1)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]],
          max_widths: Sequence[int] | None = None) -> None:
    """A plain aligned table; cells are single-line and literal."""
    cells = [[one_line(c) for c in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], _width(c))
    # Clip long cells only for a person at a terminal; piped output stays whole.
    if max_widths and sys.stdout.isatty():
        widths = [min(w, m) if m else w for w, m in zip(widths, max_widths, strict=False)]
    click.echo("  ".join(_clip(h.upper(), w) for h, w in zip(headers, widths, strict=True))
               .rstrip())
    for row in cells:
        click.echo("  ".join(_clip(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
