"""What every step of an import shares: batching, the matching keys of a contact value,
the column limits a record is checked against, and the words of import provenance."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardContact
from crm.core.contacts.identity import employer_domain
from crm.core.contacts.people import contact_normalized
from crm.core.limits import check_rows
from crm.core.models import (
    Base,
    Company,
    CompanyAlias,
    CompanyDomain,
    ContactPoint,
    Person,
    PersonDate,
    PersonRelation,
    Position,
    Tag,
)
from crm.core.normalize import company_key

Progress = Callable[[int, int], None]
CHUNK = 500  # values in one IN (...) clause
# Labels of X-ABRELATEDNAMES / RELATED / Android relations that name a connection kind.
RELATION_KINDS = {
    "manager": "manager", "boss": "manager", "supervisor": "manager",
    "assistant": "report", "report": "report", "direct report": "report",
    "colleague": "co-worker", "co-worker": "co-worker", "coworker": "co-worker",
    "friend": "friend", "mentor": "mentor", "mentee": "mentee", "recruiter": "recruiter",
    "classmate": "classmate", "professor": "professor", "acquaintance": "acquaintance",
    "referred by": "introduced-by", "referred_by": "introduced-by",
    "introduced by": "introduced-by",
    "spouse": "family", "partner": "family", "domestic partner": "family", "mother": "family",
    "father": "family", "parent": "family", "brother": "family", "sister": "family",
    "sibling": "family", "child": "family", "son": "family", "daughter": "family",
    "relative": "family", "kin": "family",
}


def relation_kind(label: str | None) -> str | None:
    """The connection kind a relation's label names, or None when it names none."""
    return RELATION_KINDS.get((label or "").strip().lower())


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i: i + CHUNK]


# Normalizing a phone number takes tens of microseconds and a card's values are normalized
# several times; the values of a 10k-card export fit, so that importing it again is cheap.
# Emptied when full: memory stays bounded whatever the size of the file.
_norm_cache: dict[tuple[str, str], str] = {}
_NORM_CACHE_SIZE = 50_000


def normalized(cp: CardContact) -> str:
    key = (cp.kind, cp.value)
    norm = _norm_cache.get(key)
    if norm is None:
        norm = contact_normalized(cp.kind, cp.value)
        if len(_norm_cache) >= _NORM_CACHE_SIZE:
            _norm_cache.clear()
        _norm_cache[key] = norm
    return norm


def contact_key(kind: str, normalized: str) -> str:
    return f"{kind}:{normalized}"


def is_profile(normalized: str) -> bool:
    """A normalized URL that names one person (a LinkedIn profile): a matching key."""
    return normalized.startswith("linkedin.com/in/")


def match_keys(card: Card) -> Iterator[tuple[str, str]]:
    """A card's matching keys after its UID, in order: profile URL, email, phone."""
    for cp in card.contacts:
        if cp.kind == "social":
            norm = normalized(cp)
            if is_profile(norm):
                yield "profile", norm
    for kind in ("email", "phone"):
        for cp in card.contacts:
            if cp.kind == kind:
                yield kind, normalized(cp)


# An email's employer domain, by value: a card's are looked up several times (the index,
# each of its positions); bounded like _norm_cache.
_domain_cache: dict[str, str | None] = {}


def card_domains(card: Card) -> list[str]:
    """The registered mail domains of a card that may name an employer (not free mail):
    jo@eng.stripe.co.uk gives stripe.co.uk."""
    out: list[str] = []
    for cp in card.contacts:
        if cp.kind == "email":
            value = cp.value
            if value in _domain_cache:
                dom = _domain_cache[value]
            else:
                dom = employer_domain(value)
                if len(_domain_cache) >= _NORM_CACHE_SIZE:
                    _domain_cache.clear()
                _domain_cache[value] = dom
            if dom and dom not in out:
                out.append(dom)
    return out


def employer_domains(card: Card, org: str) -> list[str]:
    """The work mail domains of a card that may be the company ``org``'s: all of them when
    the card names one company; when it names several, only a domain named like that
    company ("contoso.com" for "Contoso Ltd."), so that one employer's domain is never
    learned for another (Priya at Contoso and on Fabrikam's board: contoso.com is
    Contoso's)."""
    domains = card_domains(card)
    if len({company_key(job.org or "") for job in card.employments()}) <= 1:
        return domains
    key = company_key(org)
    words, joined = set(key.split()), key.replace(" ", "")
    return [d for d in domains
            if (label := d.split(".", 1)[0].lower()) in words or label.replace("-", "") == joined]


def source_label(prefix: str, card: Card) -> str:
    """The ``source`` column of what a card creates: the source kind and the file's name."""
    return f"{prefix}:{os.path.basename(card.file)}"[:300]


def table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """A Core INSERT of many rows (keys are column names): the ORM's bulk INSERT path costs
    more per row than SQLite does (import of 10k cards: -0.5 s). On PostgreSQL the rows go
    in one COPY (``copy_rows``)."""
    target = table(model)
    check_rows(target, rows)  # (the ORM's flush checks itself; these rows bypass it)
    conn = session.connection()
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_AT_LEAST:
        copy_rows(conn, target, rows)
    else:
        conn.execute(insert(target), rows)


def next_ids(session: Session, model: type[Base], count: int) -> list[int]:
    """The ids the next ``count`` rows of ``model`` take, for rows whose id must be known
    before they are inserted (``copy_rows`` returns none). On PostgreSQL drawn from the id
    column's sequence; on SQLite after the largest (the write transaction holds the
    database's one write lock, and no table has AUTOINCREMENT: SQLite would pick these)."""
    target = table(model)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(target.name, target.c.id.name)
        return sorted(conn.scalars(select(func.nextval(sequence))
                                   .select_from(func.generate_series(1, count))))
    top = conn.scalar(select(func.max(target.c.id))) or 0
    return list(range(top + 1, top + 1 + count))


# Fewer rows than this go in an INSERT: a COPY costs a round trip more to set up.
COPY_AT_LEAST = 8


def copy_rows(conn: Connection, target: Table, rows: list[dict[str, Any]]) -> None:
    """Rows into a PostgreSQL table in one ``COPY ... FROM STDIN``, in the connection's
    transaction, as ``conn.execute(insert(target), rows)`` would insert them: the columns a
    row leaves out get their Python-side defaults (and then the server's), and each value
    goes through its column type's bind processing. An executemany of 40k rows is 40k
    statements for the server (psycopg pipelines them, each still parsed, planned and run
    on its own: ~5 s of a 10k-card import); a COPY is one stream, and the server works
    through it while the rows are still being written."""
    names = list(rows[0])
    if any(len(row) != len(names) or any(n not in row for n in names) for row in rows):
        raise ValueError(f"rows for {target.name} do not all name the same columns")
    dialect, given = conn.dialect, set(names)
    defaults: list[tuple[str, Any]] = []
    for column in target.columns:
        default = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if getattr(default, "is_scalar", False):
            defaults.append((column.name, default.arg))  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            # (a plain function: SQLAlchemy wraps it to take the execution context)
            defaults.append((column.name, default.arg(None)))  # type: ignore[attr-defined]
        else:  # a SQL expression or a sequence: the server's
            continue
    columns = names + [name for name, _ in defaults]
    fixed = tuple(value for _, value in defaults)
    processors = [target.c[name].type._cached_bind_processor(dialect) for name in columns]
    plain = all(proc is None for proc in processors)
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    sql = f"COPY {dialect.identifier_preparer.format_table(target)} ({quoted}) FROM STDIN"
    raw = conn.connection.driver_connection
    assert raw is not None
    dbapi_error = dialect.loaded_dbapi.Error
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                values = (*(row[n] for n in names), *fixed)
                if not plain:
                    values = tuple(v if proc is None else proc(v)
                                   for proc, v in zip(processors, values, strict=True))
                write(values)
    except dbapi_error as err:
        # As SQLAlchemy would raise it from an execute (crm.core.faults reads it so), with
        # a connection the server dropped taken out of the pool.
        gone = dialect.is_disconnect(err, raw, None)
        if gone:
            conn.invalidate(err)
        raise DBAPIError.instance(sql, None, err, dbapi_error,
                                  connection_invalidated=gone) from err


def _limit(column: Any) -> int:
    return int(column.type.length)


# Card fields and the columns that hold them: a longer value is refused, never cut (the
# same limits as crm.core.limits, which checks every write; here a card is refused alone).
LIMITS = [
    ("FN", "display_name", _limit(Person.display_name)),
    ("N (given)", "given_name", _limit(Person.given_name)),
    ("N (family)", "family_name", _limit(Person.family_name)),
    ("N (additional)", "additional_names", _limit(Person.additional_names)),
    ("N (prefix)", "name_prefix", _limit(Person.name_prefix)),
    ("N (suffix)", "name_suffix", _limit(Person.name_suffix)),
    ("NICKNAME", "nickname", _limit(Person.nickname)),
    ("ORG", "org", _limit(Company.name)),
    ("ORG (department)", "department", _limit(Position.department)),
    ("TITLE", "title", _limit(Position.title)),
    ("UID", "uid", _limit(Person.uid)),
    ("PHOTO type", "photo_type", _limit(Person.photo_type)),
    ("ROLE", "role", _limit(Person.role)),
]
# Read once: a column's type through the mapped attribute costs microseconds per card field.
TAG_LIMIT = _limit(Tag.name)
LABEL_LIMIT = _limit(ContactPoint.label)
NORMALIZED_LIMIT = _limit(ContactPoint.normalized)
SORT_KEY_LIMIT = _limit(Person.sort_key)
COMPANY_KEY_LIMIT = _limit(Company.name_key)
ALIAS_LIMIT = min(_limit(CompanyAlias.alias), _limit(CompanyAlias.alias_key))
DOMAIN_LIMIT = _limit(CompanyDomain.domain)
WEBSITE_LIMIT = _limit(Company.website)
# A named relation (X-ABRELATEDNAMES, RELATED…) and a labelled date (X-ABDATE) as stored.
RELATION_LIMITS = (("name", _limit(PersonRelation.name)), ("label", _limit(PersonRelation.label)),
                   ("uid", _limit(PersonRelation.uid)))
DATE_LABEL_LIMIT = _limit(PersonDate.label)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who has a matching email or phone: enough to tell whether a card can be about them."""

    name: str
    nickname: str | None = None
    uid: str | None = None
