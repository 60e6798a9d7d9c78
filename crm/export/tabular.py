"""CSV and JSON reference lists."""

from __future__ import annotations

import csv
import io
import json

from crm.core.jobhunt.reference_list import ReferenceList

CSV_COLUMNS = ("name", "title", "company", "relationship", "since", "speaks_to", "phone",
               "email", "preferred_contact")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """A cell that a spreadsheet would evaluate is prefixed with ``'`` so it stays text."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def to_csv(data: ReferenceList) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in data.entries:
        row = e.to_json()
        writer.writerow([neutralize(str(row[c] or "")) for c in CSV_COLUMNS])
    return buf.getvalue()


def to_json(data: ReferenceList) -> str:
    return json.dumps(data.to_json(), ensure_ascii=False, indent=2) + "\n"
