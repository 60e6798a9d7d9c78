"""Mutated phone exports for the importer fuzz tests, and the checks every run must pass.

A file is a few good cards around one "victim" card; mutations touch only the victim
(byte flips, truncation, dropped and duplicated lines, NULs, a 2 MB line, stray BEGIN/END,
wrong charsets). Whatever happens to the victim, the good cards must be imported, and every
line of the file must end up in the database: in an imported card's raw text or in a
rejected one's.
"""

from __future__ import annotations

import io
import json
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import select, text

from crm.core.db import open_database
from crm.core.models import ContactPoint, ImportRecord, Person
from crm.vcard.charsets import SURROGATE
from crm.vcard.reader import decode_bytes, normalize_newlines

GOOD = [
    "BEGIN:VCARD\nVERSION:3.0\nN:Person{i};Good;;;\nFN:Good Person{i}\n"
    "item1.EMAIL;type=INTERNET;type=pref:good{i}@example.com\nitem1.X-ABLabel:_$!<Other>!$_\n"
    "TEL;type=CELL;type=VOICE;type=pref:+1 (415) 555-01{i:02d}\nORG:Acme Robotics;R&D\n"
    "TITLE:Engineer\\, Robots\nNOTE:one\\, two\\; three\nEND:VCARD\n",
    "BEGIN:VCARD\nVERSION:2.1\nN:Person{i};Good;;;\nFN:Good Person{i}\n"
    "TEL;CELL;PREF:+1 415 555 02{i:02d}\nEMAIL;HOME:good{i}@example.com\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0Asecond=\nline\nEND:VCARD\n",
]

VICTIMS = [
    # iPhone 3.0 with groups, a related name and a short photo.
    "BEGIN:VCARD\nVERSION:3.0\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\n"
    "N:Müller;Zoë;;;\nFN:Zoë Müller\nORG:Acme Robotics, Inc.;Platform\nTITLE:Staff Engineer\n"
    "item1.EMAIL;type=INTERNET;type=pref:zoe@example.org\nitem1.X-ABLabel:_$!<Other>!$_\n"
    "TEL;type=CELL;type=VOICE;type=pref:+1 (415) 555-0199\n"
    "item2.X-ABRELATEDNAMES;type=pref:Good Person0\nitem2.X-ABLabel:_$!<Manager>!$_\n"
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\n"
    " AAAQABAAD/2wBDAA==\nNOTE:Met at the 日本 office\\, 2023\nEND:VCARD\n",
    # Android 2.1 with quoted-printable UTF-8, soft breaks and an unindented base64 photo.
    "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\n"
    "TEL;CELL;PREF:+49 151 23456789\nEMAIL;HOME:juergen@example.de\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=\n=C3=9Fe, und mehr\n"
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Good Person1;7;;;;;;;;;;;;;\n"
    "PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\n/2wBDAAgGBgcGBQgHBwcJCQgKDBQN\n\n"
    "END:VCARD\n",
    # Outlook 2.1 in Windows-1252 words, and a vCard 4.0 card.
    "BEGIN:VCARD\nVERSION:2.1\nN;LANGUAGE=en-us:Doe;Jane\nFN:Jane Doe\n"
    "ORG:Contoso, Ltd.\nTEL;WORK;VOICE:(425) 555-0100\nEMAIL;PREF;INTERNET:jane@contoso.com\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=windows-1252:Caf=E9 =80 10\nEND:VCARD\n",
    "BEGIN:VCARD\nVERSION:4.0\nFN:Kenji Sato\nN:Sato;Kenji;;;\nKIND:individual\n"
    "EMAIL;TYPE=work;PREF=1:kenji@example.jp\nTEL;VALUE=uri;TYPE=cell:tel:+81-90-1234-5678\n"
    "URL:https\\://example.jp/kenji\nRELATED;TYPE=colleague:urn:uuid:1234\n"
    "PHOTO:data:image/png;base64,iVBORw0KGgo=\nEND:VCARD\n",
]

LONG = 2 * 1024 * 1024
LONG_LINES = [
    b"NOTE:" + b"x" * LONG,
    b"PHOTO;ENCODING=b;TYPE=JPEG:" + b"QUFB" * (LONG // 4),
    b"X-JUNK-WITHOUT-COLON" + b"y" * LONG,
    b" " + b"z" * LONG,  # a 2 MB continuation line
    b"FN:" + b"w" * LONG,
    b"EMAIL:" + b"v" * LONG + b"@" + b"u" * 400 + b".com",
]
STRAYS = [b"BEGIN:VCARD", b"END:VCARD", b"begin : vcard", b"END:VCARD\r\nEND:VCARD",
          b"BEGIN:VCARD\nBEGIN:VCARD", b"VERSION:3.0"]
CHARSETS = ["cp1252", "shift_jis", "utf-16-le", "latin-1", "koi8-r", "utf-7", "cp037"]
DECLARED = ["UTF-16", "utf-32", "idna", "rot13", "x-nonsense", "SHIFT_JIS", "cp037", "hex",
            "punycode", "utf-7", ""]
NEWLINES = ["\n", "\r\n", "\r\r\n"]

position = st.integers(min_value=0, max_value=10**6)
operation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(1, 255)),
    st.tuples(st.just("truncate"), position),
    st.tuples(st.just("drop_line"), position),
    st.tuples(st.just("dup_line"), position),
    st.tuples(st.just("nul"), position),
    st.tuples(st.just("long_line"), position, st.sampled_from(range(len(LONG_LINES)))),
    st.tuples(st.just("stray"), position, st.sampled_from(STRAYS)),
    st.tuples(st.just("charset"), st.sampled_from(CHARSETS)),
    st.tuples(st.just("declare"), st.sampled_from(DECLARED)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=8)),
)


@dataclass
class Case:
    victim: int
    where: int  # index among the good cards where the victim goes
    newline: str
    bom: bool
    ops: list[tuple[Any, ...]]


cases = st.builds(Case, victim=st.integers(0, len(VICTIMS) - 1), where=st.integers(0, 4),
                  newline=st.sampled_from(NEWLINES), bom=st.booleans(),
                  ops=st.lists(operation, min_size=1, max_size=6))


def mutate(victim: bytes, ops: list[tuple[Any, ...]]) -> bytes:
    data = victim
    long_done = False
    for op in ops:
        kind = op[0]
        lines = data.split(b"\n")
        if kind == "flip" and data:
            i = op[1] % len(data)
            data = data[:i] + bytes([data[i] ^ op[2]]) + data[i + 1:]
        elif kind == "truncate" and data:
            data = data[: op[1] % len(data)]
        elif kind == "drop_line" and lines:
            del lines[op[1] % len(lines)]
            data = b"\n".join(lines)
        elif kind == "dup_line" and lines:
            i = op[1] % len(lines)
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif kind == "nul":
            i = op[1] % (len(data) + 1)
            data = data[:i] + b"\x00" + data[i:]
        elif kind == "long_line" and not long_done:
            long_done = True
            lines.insert(op[1] % (len(lines) + 1), LONG_LINES[op[2]])
            data = b"\n".join(lines)
        elif kind == "stray":
            lines.insert(op[1] % (len(lines) + 1), op[2])
            data = b"\n".join(lines)
        elif kind == "charset":
            data = data.decode("utf-8", "replace").encode(op[1], "replace")
        elif kind == "declare":
            data = data.replace(b"CHARSET=UTF-8", b"CHARSET=" + op[1].encode())
            data = data.replace(b"CHARSET=windows-1252", b"CHARSET=" + op[1].encode())
        elif kind == "insert":
            i = op[1] % (len(data) + 1)
            data = data[:i] + op[2] + data[i:]
    return data


def build(case: Case) -> tuple[bytes, list[int]]:
    """The file's bytes and the numbers of its good cards."""
    good_ids = list(range(4))
    parts: list[bytes] = []
    nl = case.newline.encode()
    for i in good_ids:
        if i == case.where:
            parts.append(mutate(VICTIMS[case.victim].replace("\n", case.newline).encode(),
                                case.ops))
        parts.append(GOOD[i % 2].format(i=i).replace("\n", case.newline).encode())
    if case.where >= len(good_ids):
        parts.append(mutate(VICTIMS[case.victim].replace("\n", case.newline).encode(),
                            case.ops))
    # The victim may lose its last newline; the next card still starts on a line of its own.
    data = nl.join(parts)
    return (b"\xef\xbb\xbf" if case.bom else b"") + data, good_ids


def run_cli(*args: str) -> tuple[int, str, str]:
    """``crm ARGS`` in this process; an unexpected exception propagates (CRM_DEBUG)."""
    from crm.cli import run

    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("CRM_DEBUG")
    os.environ["CRM_DEBUG"] = "1"
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = run(list(args))
    finally:
        if old is None:
            del os.environ["CRM_DEBUG"]
        else:
            os.environ["CRM_DEBUG"] = old
    return code, out.getvalue(), err.getvalue()


def ascii_part(line: str) -> str:
    return "".join(ch for ch in line if ch < "\x80")


def check_import(path: Path, url: str, good_ids: list[int]) -> dict[str, Any]:
    """Import ``path`` into the empty database at ``url`` and check every property."""
    code, out, err = run_cli("import", str(path), "--json", "--db", url)
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert code in (0, 1), (code, err)
    report = json.loads(out)
    damaged = [w for w in report["warnings"] if w["damaged"]]
    assert code == (1 if report["rejected"] or damaged else 0)
    db = open_database(url)
    try:
        with db.read() as s:
            if db.is_sqlite:
                assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            # Every good card is there, whole.
            for i in good_ids:
                person = s.scalars(select(Person).join(ContactPoint).where(
                    ContactPoint.normalized == f"good{i}@example.com")).one()
                assert person.display_name == f"Good Person{i}"
            records = s.execute(select(ImportRecord.status, ImportRecord.raw,
                                       ImportRecord.line, ImportRecord.error)).all()
    finally:
        db.dispose()
    # Every card is imported or listed as rejected: the rejected ones the command listed are
    # the ones kept, and every non-blank line of the file is in some kept raw text.
    # (Identical rejected texts, like two bare BEGIN:VCARD lines, are kept once.)
    kept_rejected = {(line, error) for status, _raw, line, error in records
                     if status == "rejected"}
    listed = {(r["line"], r["message"]) for r in report["rejected"]}
    assert kept_rejected <= listed
    assert {m for _l, m in kept_rejected} == {m for _l, m in listed}
    kept_lines = {line for _status, raw, _line, _error in records
                  for line in raw.split("\r\n")}
    text_ = normalize_newlines(decode_bytes(path.read_bytes())[0]).replace("\x00", "\ufffd")
    # A byte that is not UTF-8 is kept decoded (in its CHARSET or a legacy one), and a
    # character cut by a fold moves whole before it: such lines keep their ASCII as it was.
    # (The whole-file decoding here may read such a byte in another charset than the card's
    # own CHARSET did: a stray byte in a SHIFT_JIS-declared line reads as cp1252 here.)
    skeletons = {ascii_part(line) for line in kept_lines}
    # A line in a multibyte CHARSET it declares (SHIFT_JIS) is kept read in that charset, where
    # a stray byte may take the next ASCII byte with it: such a line is kept when its text,
    # written back in that charset, is the file's bytes.
    file_lines = {b.rstrip(b"\r") for b in path.read_bytes().split(b"\n")}

    def kept_as_declared(line: str) -> bool:
        found = re.search(r"CHARSET=([\w-]+)", line, re.IGNORECASE)
        if found is None:
            return False
        # (by the property's name only: a stray byte in a parameter, read in that charset,
        # may have taken the next ASCII byte with it — ENCODI\xe1NG kept as ENCODI甎G)
        name = re.split(r"[;:]", line, maxsplit=1)[0]
        for kept in kept_lines:
            if kept.isascii() or re.split(r"[;:]", kept, maxsplit=1)[0] != name:
                continue  # only this property's line, read with a non-ASCII character
            try:
                # (a NUL in the line is kept as U+FFFD, as the import reports: a NUL again here)
                if kept.replace("\ufffd", "\x00").encode(found.group(1)) in file_lines:
                    return True
            except (LookupError, UnicodeError):
                continue
        return False

    missing = [line for line in text_.split("\n") if line.strip() and line not in kept_lines
               and not (SURROGATE.search(line) and ascii_part(line) in skeletons)
               and not kept_as_declared(line)]
    assert not missing, f"lines lost: {[m[:60] for m in missing[:3]]}"
    # Counted: each BEGIN:VCARD line starts a card that was imported (a record), rejected
    # (listed) or found unchanged; stray text adds rejections, never takes cards away.
    begins = sum(1 for line in text_.split("\n")
                 if line.strip().upper().replace(" ", "") == "BEGIN:VCARD")
    imported = sum(1 for status, *_ in records if status == "imported")
    assert imported + len(report["rejected"]) + report["unchanged"] >= begins
    # A message never dumps a whole card (nor a 2 MB line) on the terminal.
    assert all(len(r["message"]) < 300 for r in report["rejected"])
    return dict(report)
