"""What a path given to ``crm import`` holds, told by its content.

A folder or zip is a LinkedIn export when one of its CSVs has a LinkedIn header; a file is a
vCard file when it has ``BEGIN:VCARD``, else a CSV by its header: a LinkedIn file, Google
Contacts or Outlook. The file name is never needed (except to tell LinkedIn's
recommendations given from received, which share a header).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from crm.sources.contacts_csv import is_google_header, is_outlook_header
from crm.sources.linkedin import is_linkedin_header
from crm.sources.table import decode, header_of

VCARD, LINKEDIN, GOOGLE, OUTLOOK = "vcard", "linkedin", "google-csv", "outlook-csv"
# Enough to hold LinkedIn's notes and a long header (Outlook's has 90 columns).
_SNIFF_BYTES = 64 * 1024
_VCARD = re.compile(r"BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE)


def _csv_kind(text: str) -> str | None:
    if header_of(text, is_linkedin_header) is not None:
        return LINKEDIN
    if header_of(text, is_google_header) is not None:
        return GOOGLE
    if header_of(text, is_outlook_header) is not None:
        return OUTLOOK
    return None


def _head(data: bytes) -> str:
    text = decode(data)
    if len(data) >= _SNIFF_BYTES:  # the last line may be cut: drop it
        text = text[: max(text.rfind("\n"), 0)]
    return text


def kind_of_path(path: Path) -> str | None:
    """VCARD, LINKEDIN, GOOGLE or OUTLOOK; None when it is none of them (or unreadable:
    the vCard reader then says why)."""
    try:
        if path.is_dir():
            for p in sorted(path.rglob("*.csv")) + sorted(path.rglob("*.CSV")):
                with p.open("rb") as f:
                    if _csv_kind(_head(f.read(_SNIFF_BYTES))) == LINKEDIN:
                        return LINKEDIN
            return None
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.infolist():
                    if member.filename.lower().endswith(".csv"):
                        with archive.open(member) as f:
                            if _csv_kind(_head(f.read(_SNIFF_BYTES))) == LINKEDIN:
                                return LINKEDIN
            return None
        with path.open("rb") as f:
            head = _head(f.read(_SNIFF_BYTES))
    except (OSError, zipfile.BadZipFile):
        return None
    if _VCARD.search(head):
        return VCARD
    return _csv_kind(head)
