"""CSV files as crm reads them: decoded, each row with the line it starts on and its raw
text, fields looked up by header name.

A header is found by content (LinkedIn puts a few lines of notes before it), columns may come
in any order or be missing, a quoted field may span lines. A row with more fields than the
header is refused rather than cut; a row with fewer has its missing fields empty (spreadsheet
tools drop trailing empty cells).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# A LinkedIn export's notes take three lines; a header further down is not searched for.
HEADER_SEARCH_ROWS = 10


class NotATable(Exception):
    """The text has no header crm knows."""


@dataclass(frozen=True)
class Row:
    """One data row: where it is, its raw text (header first, see ``raw``) and its fields."""

    file: str
    line: int
    text: str  # the row's own text, as in the file
    header_text: str
    fields: dict[str, str]

    @property
    def raw(self) -> str:
        """The header line and this row: a CSV file of its own, so that a row kept as
        provenance or as rejected can be read again by itself."""
        head = self.header_text if self.header_text.endswith(("\n", "\r")) else (
            self.header_text + "\n")
        return head + self.text

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True)
class BadRow:
    """Text where a row should be that cannot be read as one: where, why, its raw text."""

    file: str
    line: int
    message: str
    raw: str


@dataclass
class Table:
    file: str
    header: list[str]
    header_line: int
    header_text: str
    rows: list[Row | BadRow] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252 (what Outlook writes),
    and Latin-1 only for the bytes Windows-1252 leaves undefined."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class _Lines:
    """The lines of a text (any newline kept as it is), remembering those read since
    ``mark()``: the csv module reads lines, crm wants each row's own text."""

    def __init__(self, text: str) -> None:
        self._it = iter(io.StringIO(text, newline=""))
        self.read: list[str] = []
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.read.append(line)
        self.count += 1
        return line

    def mark(self) -> None:
        self.read = []


def _clean(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def records(text: str) -> Iterator[tuple[int, str, list[str] | str]]:
    """(first line, raw text, fields or an error message) for each record of a CSV text;
    blank lines are skipped."""
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    while True:
        lines.mark()
        start = lines.count + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            message = str(err)
            if "unexpected end of data" in message or "EOF" in message:
                message = "a quoted field is never closed"
            yield start, "".join(lines.read), f"cannot read this row as CSV ({message})"
            continue
        raw = "".join(lines.read)
        if not values or not raw.strip():
            continue
        yield start, raw, values


def read_table(text: str, file: str, is_header: Callable[[list[str]], bool]) -> Table:
    """The rows of ``text`` under the first record ``is_header`` accepts (looked for among
    the first few); a later header (the same, or another ``is_header`` accepts) starts the
    rows again under it, so that kept rows of several files, each with its header, read as
    one file. ``Table.header`` is the first header; each row has its own fields."""
    it = records(text)
    header: list[str] | None = None
    table: Table | None = None
    for n, (line, raw, values) in enumerate(it):
        if n >= HEADER_SEARCH_ROWS:
            break
        if isinstance(values, list) and is_header([_clean(v) for v in values]):
            header = [_clean(v) for v in values]
            table = Table(file, header, line, raw)
            break
    if header is None or table is None:
        raise NotATable(file)
    for line, raw, values in it:
        if isinstance(values, str):
            table.rows.append(BadRow(file, line, values, _with_header(table.header_text, raw)))
            continue
        # A header again: kept rows of several files written out together. (Only a row
        # that may be one is cleaned and compared: most rows differ in their first field.)
        if len(values) != len(header) or _clean(values[0]) == header[0]:
            cleaned = [_clean(v) for v in values]
            if cleaned == header or (len(cleaned) != len(header) and is_header(cleaned)):
                header, table.header_text = cleaned, raw
                continue
        if not any(v.strip() for v in values):
            continue  # a row of empty cells holds nothing
        if len(values) > len(header):
            table.rows.append(BadRow(file, line, f"this row has {len(values)} fields, the "
                                                 f"header {len(header)}",
                                     _with_header(table.header_text, raw)))
            continue
        fields = dict(zip(header, values, strict=False))
        table.rows.append(Row(file, line, raw, table.header_text, fields))
    return table


def _with_header(header_text: str, raw: str) -> str:
    head = header_text if header_text.endswith(("\n", "\r")) else header_text + "\n"
    return head + raw


def header_of(text: str, is_header: Callable[[list[str]], bool]) -> list[str] | None:
    """The header ``is_header`` accepts among the first records of ``text``, or None."""
    for n, (_line, _raw, values) in enumerate(records(text)):
        if n >= HEADER_SEARCH_ROWS:
            return None
        if isinstance(values, list):
            cleaned = [_clean(v) for v in values]
            if is_header(cleaned):
                return cleaned
    return None


def read_file_text(path: Path) -> str:
    return decode(path.read_bytes())
