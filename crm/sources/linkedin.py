"""LinkedIn's data export ("Get a copy of your data"): the zip, its unpacked folder, or single
CSVs from it, read into typed rows.

Each file is recognised by its header, not its name (a renamed file still reads; a file
crm does not take is listed as skipped). The one exception: ``Recommendations_Given.csv``
has the same columns as ``Recommendations_Received.csv``, so only the name tells them apart.

What each file gives (see README, "LinkedIn"):

- ``Connections.csv`` (three lines of notes, then ``First Name,Last Name,URL,Email Address,
  Company,Position,Connected On``; older exports have no URL): people.
- ``Positions.csv``, ``Education.csv``, ``Profile.csv``: me, my positions and my studies.
- ``Invitations.csv``, ``messages.csv``: dated interactions.
- ``Recommendations_Received.csv``: reference candidates.
- ``Jobs/Job Applications.csv``: my applications.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from crm.sources.dates import BadDate, read_date, read_partial_date
from crm.sources.table import BadRow, NotATable, Row, decode, read_table

# A member of an export larger than this is refused (an export's messages.csv of years of
# messages is tens of megabytes).
MAX_MEMBER_BYTES = 1 << 30


class BadField(ValueError):
    """A row that cannot be read: what is wrong, in words that never quote the row."""


@dataclass(frozen=True)
class Source:
    """Where a row came from."""

    file: str
    line: int
    raw: str


@dataclass(frozen=True)
class Connection(Source):
    first_name: str
    last_name: str
    url: str | None
    email: str | None
    company: str | None
    position: str | None
    connected_on: date | None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class MyPosition(Source):
    company: str
    title: str | None
    description: str | None
    location: str | None
    started_on: str | None  # YYYY or YYYY-MM
    finished_on: str | None  # None: current


@dataclass(frozen=True)
class MyStudy(Source):
    school: str
    degree: str | None
    notes: str | None
    activities: str | None
    started_on: str | None
    finished_on: str | None


@dataclass(frozen=True)
class Profile(Source):
    first_name: str
    last_name: str
    maiden_name: str | None
    headline: str | None
    summary: str | None
    industry: str | None
    location: str | None
    websites: list[str]
    twitter: list[str]

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Invitation(Source):
    from_name: str
    to_name: str
    sent_on: date
    message: str | None
    incoming: bool  # Direction INCOMING: they invited me
    inviter_url: str | None
    invitee_url: str | None

    @property
    def other_name(self) -> str:
        return self.from_name if self.incoming else self.to_name

    @property
    def other_url(self) -> str | None:
        return self.inviter_url if self.incoming else self.invitee_url


@dataclass(frozen=True)
class Message(Source):
    conversation_id: str
    conversation_title: str | None
    from_name: str
    sender_url: str | None
    to_names: str
    recipient_urls: list[str]
    sent_on: date
    subject: str | None
    content: str
    folder: str | None


@dataclass(frozen=True)
class Recommendation(Source):
    first_name: str
    last_name: str
    company: str | None
    job_title: str | None
    text: str
    created_on: date | None
    status: str | None  # LinkedIn's own: VISIBLE, HIDDEN…

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class JobApplication(Source):
    applied_on: date | None
    company: str
    job_title: str
    job_url: str | None
    contact_email: str | None
    contact_phone: str | None
    resume_name: str | None
    questions: str | None


@dataclass
class LinkedInExport:
    """Everything crm takes from one export, with the rows it could not read."""

    path: str
    # When LinkedIn wrote it (the newest file time): what the export says is true as of then.
    exported_on: date
    connections: list[Connection] = field(default_factory=list)
    positions: list[MyPosition] = field(default_factory=list)
    studies: list[MyStudy] = field(default_factory=list)
    profile: Profile | None = None
    invitations: list[Invitation] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    applications: list[JobApplication] = field(default_factory=list)
    rejected: list[BadRow] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    # With ``read_export(..., defer_messages=True)``: the rows of messages.csv, checked but
    # not read into ``messages`` (``read_message(row)`` reads one): a re-import reads only those
    # it did not import before.
    message_rows: list[Row] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (len(self.connections) + len(self.positions) + len(self.studies)
                + (self.profile is not None) + len(self.invitations) + len(self.messages)
                + len(self.message_rows)
                + len(self.recommendations) + len(self.applications) + len(self.rejected))


def _text(row: Row, name: str) -> str | None:
    value = row.get(name).strip()
    return value or None


def _required(row: Row, name: str) -> str:
    value = row.get(name).strip()
    if not value:
        raise BadField(f"{name} is empty")
    return value


def _date(row: Row, name: str, required: bool = False) -> date | None:
    try:
        value = read_date(row.get(name))
    except BadDate:
        raise BadField(f"{name} is not a date crm reads (like 15 Mar 2024)") from None
    if value is None and required:
        raise BadField(f"{name} is empty")
    return value


def _partial(row: Row, name: str) -> str | None:
    try:
        return read_partial_date(row.get(name))
    except BadDate:
        raise BadField(f"{name} is not a date crm reads (like Sep 2025 or 2019)") from None


def _urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s,;\]\[]+", text)


def _source(row: Row) -> dict[str, Any]:
    return {"file": row.file, "line": row.line, "raw": row.raw}


def _connection(row: Row) -> Connection:
    first, last = row.get("First Name").strip(), row.get("Last Name").strip()
    if not first and not last:
        raise BadField("First Name and Last Name are both empty")
    return Connection(**_source(row), first_name=first, last_name=last, url=_text(row, "URL"),
                      email=_text(row, "Email Address"), company=_text(row, "Company"),
                      position=_text(row, "Position"),
                      connected_on=_date(row, "Connected On"))


def _position(row: Row) -> MyPosition:
    return MyPosition(**_source(row), company=_required(row, "Company Name"),
                      title=_text(row, "Title"), description=_text(row, "Description"),
                      location=_text(row, "Location"), started_on=_partial(row, "Started On"),
                      finished_on=_partial(row, "Finished On"))


def _study(row: Row) -> MyStudy:
    return MyStudy(**_source(row), school=_required(row, "School Name"),
                   degree=_text(row, "Degree Name"), notes=_text(row, "Notes"),
                   activities=_text(row, "Activities"), started_on=_partial(row, "Start Date"),
                   finished_on=_partial(row, "End Date"))


def _profile(row: Row) -> Profile:
    first, last = row.get("First Name").strip(), row.get("Last Name").strip()
    if not first and not last:
        raise BadField("First Name and Last Name are both empty")
    handles = [h.strip().lstrip("@") for h in re.split(r"[,;\[\]]", row.get("Twitter Handles"))]
    return Profile(**_source(row), first_name=first, last_name=last,
                   maiden_name=_text(row, "Maiden Name"), headline=_text(row, "Headline"),
                   summary=_text(row, "Summary"), industry=_text(row, "Industry"),
                   location=_text(row, "Geo Location"), websites=_urls(row.get("Websites")),
                   twitter=[h for h in handles if h])


def _invitation(row: Row) -> Invitation:
    direction = row.get("Direction").strip().upper()
    if direction not in ("INCOMING", "OUTGOING"):
        raise BadField("Direction is neither INCOMING nor OUTGOING")
    sent = _date(row, "Sent At", required=True)
    assert sent is not None
    return Invitation(**_source(row), from_name=row.get("From").strip(),
                      to_name=row.get("To").strip(), sent_on=sent,
                      message=_text(row, "Message"), incoming=direction == "INCOMING",
                      inviter_url=_text(row, "inviterProfileUrl"),
                      invitee_url=_text(row, "inviteeProfileUrl"))


def _message(row: Row) -> Message:
    sent = _date(row, "DATE", required=True)
    assert sent is not None
    return Message(**_source(row), conversation_id=row.get("CONVERSATION ID").strip(),
                   conversation_title=_text(row, "CONVERSATION TITLE"),
                   from_name=row.get("FROM").strip(), sender_url=_text(row, "SENDER PROFILE URL"),
                   to_names=row.get("TO").strip(),
                   recipient_urls=_urls(row.get("RECIPIENT PROFILE URLS")), sent_on=sent,
                   subject=_text(row, "SUBJECT"), content=row.get("CONTENT"),
                   folder=_text(row, "FOLDER"))


def _recommendation(row: Row) -> Recommendation:
    first, last = row.get("First Name").strip(), row.get("Last Name").strip()
    if not first and not last:
        raise BadField("First Name and Last Name are both empty")
    return Recommendation(**_source(row), first_name=first, last_name=last,
                          company=_text(row, "Company"), job_title=_text(row, "Job Title"),
                          text=row.get("Text"), created_on=_date(row, "Creation Date"),
                          status=_text(row, "Status"))


def _application(row: Row) -> JobApplication:
    return JobApplication(**_source(row), applied_on=_date(row, "Application Date"),
                          company=_required(row, "Company Name"),
                          job_title=_required(row, "Job Title"), job_url=_text(row, "Job Url"),
                          contact_email=_text(row, "Contact Email"),
                          contact_phone=_text(row, "Contact Phone Number"),
                          resume_name=_text(row, "Resume Name"),
                          questions=_text(row, "Question And Answers"))


@dataclass(frozen=True)
class _Kind:
    name: str
    needs: frozenset[str]
    parse: Callable[[Row], Any]
    field: str  # the LinkedInExport list it fills


KINDS = (
    _Kind("connections", frozenset({"First Name", "Last Name", "Connected On"}), _connection,
          "connections"),
    _Kind("positions", frozenset({"Company Name", "Title", "Started On"}), _position,
          "positions"),
    _Kind("education", frozenset({"School Name", "Degree Name"}), _study, "studies"),
    _Kind("profile", frozenset({"First Name", "Last Name", "Headline"}), _profile, "profile"),
    _Kind("invitations", frozenset({"From", "To", "Sent At", "Direction"}), _invitation,
          "invitations"),
    _Kind("messages", frozenset({"CONVERSATION ID", "FROM", "TO", "DATE"}), _message,
          "messages"),
    _Kind("recommendations", frozenset({"First Name", "Last Name", "Text", "Creation Date"}),
          _recommendation, "recommendations"),
    _Kind("applications", frozenset({"Application Date", "Company Name", "Job Title"}),
          _application, "applications"),
)


def kind_of(header: Iterable[str], name: str = "") -> _Kind | None:
    """The LinkedIn file a header is the header of (``name``, the file's name, only tells
    recommendations given from received)."""
    have = set(header)
    for kind in KINDS:
        if kind.needs <= have:
            if kind.name == "recommendations" and "given" in os.path.basename(name).lower():
                return None
            return kind
    return None


def is_linkedin_header(header: list[str]) -> bool:
    return kind_of(header) is not None


def read_message(row: Row) -> Message:
    """A row of messages.csv kept unread (``LinkedInExport.message_rows``), read."""
    return _message(row)


def _check_message(row: Row) -> Row:
    """A row of messages.csv, kept unread once it is known to read (only its date can
    fail, see ``_message``)."""
    _date(row, "DATE", required=True)
    return row


def read_csv_text(export: LinkedInExport, text: str, file: str, *,
                  defer_messages: bool = False) -> bool:
    """Add the rows of one CSV of an export; False when it is none crm reads.
    ``defer_messages``: rows of messages.csv go to ``message_rows``, checked, not read."""
    def is_header(values: list[str]) -> bool:
        return kind_of(values, file) is not None

    try:
        table = read_table(text, file, is_header)
    except NotATable:
        export.skipped_files.append(file)
        return False
    kinds: dict[str, _Kind | None] = {}  # by header: kept rows of several files may follow
    for row in table.rows:
        if isinstance(row, BadRow):
            export.rejected.append(row)
            continue
        if row.header_text not in kinds:
            kinds[row.header_text] = kind_of(row.fields, file)
        kind = kinds[row.header_text]
        assert kind is not None
        target = getattr(export, kind.field)
        parse = kind.parse
        if defer_messages and kind.field == "messages":
            target, parse = export.message_rows, _check_message
        try:
            record = parse(row)
        except BadField as err:
            export.rejected.append(BadRow(row.file, row.line, str(err), row.raw))
            continue
        if kind.field == "profile":
            if export.profile is None:
                export.profile = record
            continue
        target.append(record)
    return True


def _day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp).date()


def read_export(path: Path, *, defer_messages: bool = False) -> LinkedInExport:
    """A LinkedIn export: a zip, a folder (its CSVs, in subfolders too), or one CSV of it.
    ``defer_messages``: see ``read_csv_text``."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
        stamp = max((p.stat().st_mtime for p in files), default=path.stat().st_mtime)
        export = LinkedInExport(str(path), _day(stamp))
        for p in files:
            read_csv_text(export, decode(p.read_bytes()), str(p),
                          defer_messages=defer_messages)
        return export
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = sorted((m for m in archive.infolist()
                              if not m.is_dir() and m.filename.lower().endswith(".csv")),
                             key=lambda m: m.filename)
            newest = max((m.date_time for m in members), default=None)
            exported = (date(*newest[:3]) if newest is not None
                        else _day(path.stat().st_mtime))
            export = LinkedInExport(str(path), exported)
            for member in members:
                name = f"{path}/{member.filename}"
                if member.file_size > MAX_MEMBER_BYTES:
                    export.rejected.append(BadRow(name, 1, "file is too large to import",
                                                  ""))
                    continue
                read_csv_text(export, decode(archive.read(member)), name,
                              defer_messages=defer_messages)
            return export
    export = LinkedInExport(str(path), _day(path.stat().st_mtime))
    read_csv_text(export, decode(path.read_bytes()), str(path),
                  defer_messages=defer_messages)
    return export
