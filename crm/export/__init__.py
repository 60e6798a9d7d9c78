"""Reference list documents (md, txt, csv, json, pdf, html).

Pure rendering: every function takes a ``crm.core.jobhunt.reference_list.ReferenceList``
and returns the document's bytes; nothing here opens a session. ``crm.export.service`` ties
it to the database (build the data, write the file, record the uses).
"""

from __future__ import annotations

from crm.core.errors import InvalidInput
from crm.core.jobhunt.reference_list import ReferenceList
from crm.core.vocabulary import EXPORT_FORMATS


def check_format(fmt: str) -> str:
    f = fmt.strip().lower().lstrip(".")
    if f == "markdown":
        f = "md"
    if f not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    return f


def render(data: ReferenceList, fmt: str) -> bytes:
    """The document in format ``fmt`` (md, txt, csv, json, pdf, html)."""
    f = check_format(fmt)
    if f == "pdf":
        from crm.export.pdf import to_pdf

        return to_pdf(data)
    if f == "html":
        from crm.export.html import to_html

        return to_html(data).encode("utf-8")
    if f in ("csv", "json"):
        from crm.export.tabular import to_csv, to_json

        return (to_csv(data) if f == "csv" else to_json(data)).encode("utf-8")
    from crm.export.text import to_markdown, to_text

    return (to_markdown(data) if f == "md" else to_text(data)).encode("utf-8")
