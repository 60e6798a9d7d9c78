"""A printable HTML reference list; every piece of contact text is escaped."""

from __future__ import annotations

from html import escape

from crm.core.jobhunt.reference_list import ReferenceList
from crm.export.text import prepared_for, relationship_line, title_line

_CSS = """
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #111;
       max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
header { border-bottom: 2px solid #111; margin-bottom: 1.2rem; }
h1 { margin: 0; font-size: 1.7rem; }
.contact, .headline { margin: .2rem 0; color: #333; }
h2 { font-size: 1.1rem; font-weight: normal; color: #333; }
section.reference { margin: 0 0 1.1rem; break-inside: avoid; page-break-inside: avoid; }
h3 { margin: 0 0 .2rem; font-size: 1.1rem; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: .1rem .8rem; margin: 0; }
dt { color: #555; }
dd { margin: 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 2cm; }
"""


def to_html(data: ReferenceList) -> str:
    e_ = escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{e_(data.name)} — references for {e_(data.target)}</title>",
             f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
             f"<h1>{e_(data.name)}</h1>"]
    if data.headline:
        parts.append(f'<p class="headline">{e_(data.headline)}</p>')
    if data.contact_line:
        parts.append(f'<p class="contact">{e_(data.contact_line)}</p>')
    parts += ["</header>", f"<h2>{e_(prepared_for(data))}</h2>", "<main>"]
    for entry in data.entries:
        parts.append('<section class="reference">')
        parts.append(f"<h3>{e_(entry.name)}</h3>")
        if title_line(entry):
            parts.append(f'<p class="title">{e_(title_line(entry))}</p>')
        parts.append("<dl>")
        email_html = (f'<a href="mailto:{e_(entry.email)}">{e_(entry.email)}</a>'
                      if entry.email else "")
        rows = [("Relationship", e_(relationship_line(entry))),
                ("Can speak to", e_(entry.speaks_to or "")), ("Phone", e_(entry.phone or "")),
                ("Email", email_html),
                ("Preferred contact", e_(entry.preferred_contact or ""))]
        for label, value in rows:
            if value:
                parts.append(f"<dt>{label}</dt><dd>{value}</dd>")
        parts += ["</dl>", "</section>"]
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
