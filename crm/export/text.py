"""Markdown and plain-text reference lists."""

from __future__ import annotations

import re

from crm.core.jobhunt.reference_list import ReferenceEntry, ReferenceList

# Characters that start emphasis, code, links, HTML or tables anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# What turns a whole line into a heading, list item or quote when it comes first.
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")


def md_escape(text: str, *, line_start: bool = True) -> str:
    """Contact text shown literally in Markdown (``*Bob*`` stays asterisks, not emphasis).

    ``line_start``: the text begins a line (or a list item), where "# x" would be a heading.
    """
    flat = _MD_INLINE.sub(r"\\\1", " ".join(text.split()))
    if not line_start:
        return flat
    def guard(m: re.Match[str]) -> str:
        lead, mark = m.group(1), m.group(2)
        # "12. x" is escaped as "12\. x"; the other markers take the backslash before them.
        return lead + (mark + "\\" if mark[0].isdigit() else "\\" + mark)

    return _MD_LINE_START.sub(guard, flat)


def title_line(e: ReferenceEntry) -> str:
    """"Data Science Manager, Northwind Analytics" (either part may be missing)."""
    return ", ".join(x for x in (e.title, e.company) if x)


def relationship_line(e: ReferenceEntry) -> str:
    rel = e.relationship or ""
    if e.since:
        rel = f"{rel} (since {e.since})" if rel else f"Known since {e.since}"
    return rel


def prepared_for(data: ReferenceList) -> str:
    return f"References for {data.target} — prepared {data.prepared_on.isoformat()}"


def to_markdown(data: ReferenceList) -> str:
    out = [f"# {md_escape(data.name)}", ""]
    if data.headline:
        out += [md_escape(data.headline), ""]
    if data.contact_line:
        out += [md_escape(data.contact_line), ""]
    out += [f"## {md_escape(prepared_for(data))}", ""]
    for i, e in enumerate(data.entries, 1):
        out.append(f"### {i}. {md_escape(e.name)}")
        out.append("")
        rows = [("", title_line(e)), ("Relationship", relationship_line(e)),
                ("Can speak to", e.speaks_to or ""), ("Phone", e.phone or ""),
                ("Email", e.email or ""), ("Preferred contact", e.preferred_contact or "")]
        for label, value in rows:
            if value:
                out.append(f"- **{label}:** {md_escape(value, line_start=False)}" if label else
                           f"- {md_escape(value)}")
        out.append("")
    return "\n".join(out)


def to_text(data: ReferenceList) -> str:
    out = [data.name]
    if data.headline:
        out.append(data.headline)
    if data.contact_line:
        out.append(data.contact_line)
    out += ["", prepared_for(data), "=" * min(78, len(prepared_for(data))), ""]
    for i, e in enumerate(data.entries, 1):
        out.append(f"{i}. {e.name}")
        rows = [("", title_line(e)), ("Relationship", relationship_line(e)),
                ("Can speak to", e.speaks_to), ("Phone", e.phone), ("Email", e.email),
                ("Preferred contact", e.preferred_contact)]
        for label, value in rows:
            if value:
                flat = " ".join(value.split())
                out.append(f"   {label + ': ' if label else ''}{flat}")
        out.append("")
    return "\n".join(out)
