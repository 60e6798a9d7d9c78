"""Companies: creation, lookup by name / alias / email domain, and resolution of user input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from crm.core.addresses import parts_view
from crm.core.errors import Ambiguous, InvalidInput, NotFound, NotSureWhichCompany
from crm.core.models import Company, Person, Position, Tag
from crm.core.normalize import company_key, email_domain, normalize_domain

# A company's aliases, domains, contact points and tags are imported where they are used:
# importing them maps crm.core.models.details, which `crm who '#ID'` has no need of.


@dataclass(frozen=True)
class CompanySummary:
    id: int
    name: str
    aliases: list[str]
    domains: list[str]
    industry: str | None
    website: str | None
    location: str | None
    people_current: int
    people_former: int
    # What a company card gave it: its own phones, emails, addresses…, tags and a photo.
    contact_points: list[dict[str, object]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    has_photo: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": self.aliases,
            "domains": self.domains,
            "industry": self.industry,
            "website": self.website,
            "location": self.location,
            "people_current": self.people_current,
            "people_former": self.people_former,
            "contact_points": self.contact_points,
            "tags": self.tags,
            "has_photo": self.has_photo,
        }


def _looks_like_domain(text: str) -> bool:
    t = text.strip()
    return "." in t and " " not in t and not t.endswith(".")


def find_companies(session: Session, text: str) -> list[Company]:
    """Exact matches by name key, alias key or email domain (no fuzziness)."""
    from crm.core.models import CompanyAlias, CompanyDomain  # (details: mapped when first used)

    key = company_key(text)
    found: dict[int, Company] = {}
    if key:
        for c in session.scalars(select(Company).where(Company.name_key == key)):
            found[c.id] = c
        alias_q = select(Company).join(CompanyAlias).where(CompanyAlias.alias_key == key)
        for c in session.scalars(alias_q):
            found.setdefault(c.id, c)
    candidates = []
    if "@" in text:
        dom = email_domain(text)
        if dom:
            candidates.append(dom)
    elif _looks_like_domain(text):
        candidates.append(normalize_domain(text))
    for dom in candidates:
        # "eng.stripe.com" also belongs to stripe.com.
        parts = dom.split(".")
        suffixes = [".".join(parts[i:]) for i in range(len(parts) - 1)]
        q = select(Company).join(CompanyDomain).where(CompanyDomain.domain.in_(suffixes))
        for c in session.scalars(q):
            found.setdefault(c.id, c)
    return sorted(found.values(), key=lambda c: c.id)


@dataclass(frozen=True)
class CompanyMatch:
    """The company a user's text resolved to, and how (for "resolved X to Y" messages)."""

    company: Company
    how: str  # "id", "name", "alias 'X'", "domain x.com", "prefix", "words", "close match",
    #           "new company"
    created: bool = False

    def describe(self) -> str:
        return f"{self.company.name} (#{self.company.id}, by {self.how})"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _one_or_ambiguous(text: str, found: list[Company], how: str) -> CompanyMatch | None:
    unique = list({c.id: c for c in found}.values())
    if len(unique) == 1:
        return CompanyMatch(unique[0], how)
    if len(unique) > 1:
        unique.sort(key=lambda c: (c.name_key, c.id))
        raise Ambiguous("company", text, [f"{c.name} (#{c.id})" for c in unique])
    return None


def match_company(session: Session, text: str) -> CompanyMatch:
    """Resolve user text to one company, saying how; ambiguity and misses are one-line errors.

    In order: ``#id``; exact name, alias or email/web domain (case-, accent-, punctuation-
    and legal-suffix-insensitive: "stripe" = "Stripe, Inc." = "stripe.com" =
    "jo@eng.stripe.com"); a unique prefix of a name or alias; every word a prefix of a word
    of one name; a close spelling. Unknown names fail with the nearest name as a suggestion.
    """
    query = text.strip()
    hit = _exact_match(session, query)
    if hit:
        return hit
    key = company_key(query)
    if key:
        hit = _one_or_ambiguous(query, _by_prefix(session, key), "prefix")
        if hit:
            return hit
        hit = _one_or_ambiguous(query, _by_word_prefixes(session, key), "words")
        if hit:
            return hit
    close = _close_companies(session, query, cutoff=0.85)
    if close:
        hit = _one_or_ambiguous(query, close, "close match")
        if hit:
            return hit
    suggestion = suggest_company(session, query)
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    raise NotFound(f"no company matches {query!r}{hint}")


def exact_company(session: Session, text: str) -> CompanyMatch | None:
    """The company ``text`` names exactly (``#id``, name, alias or domain, as the first step
    of ``match_company``), or None."""
    try:
        return _exact_match(session, text.strip())
    except NotFound:
        return None


def _by_prefix(session: Session, key: str) -> list[Company]:
    from crm.core.models import CompanyAlias  # (details: mapped when first used)

    like = _escape_like(key) + "%"
    return list(session.scalars(
        select(Company).outerjoin(CompanyAlias).where(
            or_(Company.name_key.like(like, escape="\\"),
                CompanyAlias.alias_key.like(like, escape="\\"))).limit(50)))


def _by_word_prefixes(session: Session, key: str) -> list[Company]:
    # "robotics acme" or "piper": every word starts a word of the name.
    conds = [or_(Company.name_key.like(_escape_like(w) + "%", escape="\\"),
                 Company.name_key.like("% " + _escape_like(w) + "%", escape="\\"))
             for w in key.split()]
    return list(session.scalars(select(Company).where(*conds).limit(50)))


def _exact_match(session: Session, query: str) -> CompanyMatch | None:
    """``#id``, or the name, an alias or an email/web domain of exactly one company."""
    if not query:
        raise InvalidInput("company name is empty")
    if query.startswith("#") and query[1:].isdigit():
        company = session.get(Company, int(query[1:]))
        if company is None:  # merged into another: the old id leads to the survivor
            from crm.core.models import CompanyMerged  # (tracking: mapped when first needed)

            survivor = session.scalar(select(CompanyMerged.company_id)
                                      .where(CompanyMerged.old_id == int(query[1:])))
            company = session.get(Company, survivor) if survivor is not None else None
        if company is None:
            raise NotFound(f"no company with id {query[1:]}")
        return CompanyMatch(company, "id")
    from crm.core.models import CompanyAlias, CompanyDomain  # (details: mapped when first used)

    key = company_key(query)
    if key:
        hit = _one_or_ambiguous(query, list(session.scalars(
            select(Company).where(Company.name_key == key))), "name")
        if hit:
            return hit
        aliased_rows = session.execute(
            select(Company, CompanyAlias.alias).join(CompanyAlias)
            .where(CompanyAlias.alias_key == key)).all()
        hit = _one_or_ambiguous(query, [c for c, _ in aliased_rows],
                                f"alias {aliased_rows[0][1]!r}" if aliased_rows else "alias")
        if hit:
            return hit
    domains: list[str] = []
    if "@" in query:
        dom = email_domain(query)
        if dom:
            domains.append(dom)
    elif _looks_like_domain(query):
        domains.append(normalize_domain(query))
    for dom in domains:
        parts = dom.split(".")
        suffixes = [".".join(parts[i:]) for i in range(len(parts) - 1)]
        rows = session.execute(select(Company, CompanyDomain.domain).join(CompanyDomain)
                               .where(CompanyDomain.domain.in_(suffixes))).all()
        hit = _one_or_ambiguous(query, [c for c, _ in rows],
                                f"domain {rows[0][1]}" if rows else "domain")
        if hit:
            return hit
    return None


def resolve_company(session: Session, text: str) -> Company:
    """The one company the user means, or a one-line error listing candidates/suggestions."""
    return match_company(session, text).company


def _all_keys(session: Session) -> dict[str, tuple[int, str]]:
    """Every name and alias key -> (company id, the name as written)."""
    from crm.core.models import CompanyAlias  # (details: mapped when first used)

    names: dict[str, tuple[int, str]] = {}
    for cid, name, name_key in session.execute(select(Company.id, Company.name,
                                                      Company.name_key)):
        names.setdefault(name_key, (cid, name))
    for cid, alias, alias_key in session.execute(
            select(CompanyAlias.company_id, CompanyAlias.alias, CompanyAlias.alias_key)):
        names.setdefault(alias_key, (cid, alias))
    return names


def _close_companies(session: Session, text: str, cutoff: float) -> list[Company]:
    key = company_key(text)
    if not key:
        return []
    import difflib  # here, not at the top: it costs the fast CLI paths ~20 ms to import

    names = _all_keys(session)
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=cutoff)
    if not close:
        return []
    # Only the best-scoring spellings compete (a clear winner is not "ambiguous").
    best = difflib.SequenceMatcher(None, key, close[0]).ratio()
    ids = {names[k][0] for k in close
           if difflib.SequenceMatcher(None, key, k).ratio() >= best - 0.02}
    return list(session.scalars(select(Company).where(Company.id.in_(ids))))


def suggest_company(session: Session, text: str) -> str | None:
    key = company_key(text)
    if not key:
        return None
    import difflib

    names = _all_keys(session)
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return names[close[0]][1] if close else None


def get_or_create_company(session: Session, name: str, *, source: str = "manual") -> Company:
    """The company called ``name`` (by name or alias), created if there is none."""
    name = name.strip()
    if not name:
        raise InvalidInput("company name is empty")
    found = find_companies(session, name)
    if found:
        return found[0]
    company = Company(name=name, name_key=company_key(name), source=source)
    session.add(company)
    session.flush()
    return company


# How alike (difflib ratio) a new name must be to an existing one to be asked about:
# one wrong, missing or extra letter in a name of five or more letters is at least 0.8.
_SIMILAR = 0.75


def company_for_record(session: Session, text: str, *, new_company: bool = False,
                       source: str = "manual") -> CompanyMatch:
    """The company a new position or application is at, created only when it is surely new.

    ``#id``, a name, an alias or a domain of one company gives that company. Otherwise,
    when names resemble the text (it starts one, its words start a name's words, or it is
    spelt close to one) nothing is created and NotSureWhichCompany lists them, unless
    ``new_company`` says to create it anyway. A text like no name at all is created.
    """
    query = text.strip()
    hit = _exact_match(session, query)
    if hit:
        return hit
    key = company_key(query)
    if key and not new_company:
        near = _near_companies(session, key)
        if near:
            raise NotSureWhichCompany(query, [(c.id, c.name) for c in near])
    company = Company(name=query, name_key=key, source=source)
    session.add(company)
    session.flush()
    return CompanyMatch(company, "new company", created=True)


def _near_companies(session: Session, key: str, limit: int = 5) -> list[Company]:
    """Companies whose name or alias the key starts, or is spelt close to; closest first."""
    import difflib  # here, not at the top: it costs the fast CLI paths ~20 ms to import

    found: dict[int, tuple[float, Company]] = {}
    for c in _by_prefix(session, key) + _by_word_prefixes(session, key):
        found.setdefault(c.id, (1.0, c))
    names = _all_keys(session)
    for name_key in difflib.get_close_matches(key, list(names), n=limit, cutoff=_SIMILAR):
        cid = names[name_key][0]
        if cid not in found:
            ratio = difflib.SequenceMatcher(None, key, name_key).ratio()
            company = session.get(Company, cid)
            if company is not None:
                found[cid] = (ratio, company)
    ranked = sorted(found.values(), key=lambda rc: (-rc[0], rc[1].name_key, rc[1].id))
    return [c for _, c in ranked[:limit]]


def add_alias(session: Session, company: Company, alias: str) -> None:
    from crm.core.models import CompanyAlias  # (details: mapped when first used)

    key = company_key(alias)
    if not key or key == company.name_key or any(a.alias_key == key for a in company.aliases):
        return
    company.aliases.append(CompanyAlias(alias=alias.strip(), alias_key=key))


def add_domain(session: Session, company: Company, domain: str) -> None:
    from crm.core.models import CompanyDomain  # (details: mapped when first used)

    dom = normalize_domain(domain)
    if "." not in dom:
        raise InvalidInput(f"bad domain {domain!r}")
    owner = session.scalar(select(CompanyDomain).where(CompanyDomain.domain == dom))
    if owner is not None:
        if owner.company_id != company.id:
            raise InvalidInput(f"domain {dom} already belongs to company #{owner.company_id}")
        return
    company.domains.append(CompanyDomain(domain=dom))


def remove_alias(session: Session, company: Company, alias: str) -> str:
    """Forget one of the company's other names; returns it as it was written.

    The company's own name is not an alias: it can be changed but not removed.
    """
    key = company_key(alias)
    if not key:
        raise InvalidInput("the alias is empty")
    if key == company.name_key:
        raise InvalidInput(f"{alias.strip()!r} is the company's own name, not an alias; "
                           "rename the company instead")
    found = [a for a in company.aliases if a.alias_key == key]
    if not found:
        raise NotFound(f"{company.name} has no alias {alias.strip()!r}")
    company.aliases.remove(found[0])
    session.flush()
    refresh_people_at(session, company)
    return found[0].alias


def remove_domain(session: Session, company: Company, domain: str) -> str:
    """Stop taking people@domain as working at the company; returns the domain removed."""
    dom = normalize_domain(domain)
    if not dom:
        raise InvalidInput("the domain is empty")
    found = [d for d in company.domains if d.domain == dom]
    if not found:
        raise NotFound(f"{company.name} has no email domain {dom!r}")
    company.domains.remove(found[0])
    session.flush()
    return dom


def refresh_people_at(session: Session, company: Company) -> None:
    """Recompute the search text of everyone who was ever at the company (it holds aliases)."""
    from crm.core.contacts.people import refresh_search_text

    ids = select(Position.person_id).where(Position.company_id == company.id)
    people = session.scalars(select(Person).where(Person.id.in_(ids)).options(
        selectinload(Person.contact_points), selectinload(Person.tags),
        selectinload(Person.positions).selectinload(Position.company)
        .selectinload(Company.aliases)))
    for person in people:
        refresh_search_text(person)
    session.flush()


def company_search_conditions(query: str | None) -> list[Any]:
    """WHERE clauses matching companies by name, alias or email domain (substring)."""
    from crm.core.models import CompanyAlias, CompanyDomain  # (details: mapped when first used)

    if not query:
        return []
    key = company_key(query)
    like = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    alias_ids = select(CompanyAlias.company_id).where(CompanyAlias.alias_key.like(like,
                                                                                 escape="\\"))
    dom = normalize_domain(query).replace("\\", "").replace("%", "").replace("_", "")
    domain_ids = select(CompanyDomain.company_id).where(
        CompanyDomain.domain.like(f"%{dom}%"))
    return [or_(Company.name_key.like(like, escape="\\"), Company.id.in_(alias_ids),
                Company.id.in_(domain_ids))]


def count_companies(session: Session, query: str | None = None) -> int:
    stmt = select(func.count(Company.id)).where(*company_search_conditions(query))
    return session.scalar(stmt) or 0


def list_companies(session: Session, query: str | None = None,
                   limit: int | None = None, offset: int = 0) -> list[CompanySummary]:
    stmt = select(Company).options(selectinload(Company.aliases), selectinload(Company.domains))
    stmt = stmt.where(*company_search_conditions(query))
    stmt = stmt.order_by(Company.name_key, Company.id)
    if offset:
        stmt = stmt.offset(offset)
    if limit:
        stmt = stmt.limit(limit)
    return _summaries(session, list(session.scalars(stmt)))


def company_summary(session: Session, company_id: int) -> CompanySummary:
    """One company as lists show it, by id."""
    company = session.scalars(
        select(Company).where(Company.id == company_id)
        .options(selectinload(Company.aliases), selectinload(Company.domains))).one_or_none()
    if company is None:
        raise NotFound(f"no company with id {company_id}")
    return _summaries(session, [company])[0]


def _summaries(session: Session, companies: list[Company]) -> list[CompanySummary]:
    """Companies with the counts their page shows (``who_at``): the people I know there now,
    and those I know who were there and are no longer; never me, nor someone I know only
    through another person (they are that page's second degree)."""
    from crm.core.models import CompanyContact, CompanyTag  # (details: mapped when first used)
    from crm.core.network.ties import linked_to_me, me_id

    counts: dict[tuple[int, bool], int] = {}
    contacts: dict[int, list[dict[str, object]]] = {}
    tags: dict[int, list[str]] = {}
    photos: set[int] = set()
    if companies:
        ids = [c.id for c in companies]
        linked = sorted(linked_to_me(session, me_id(session)))
        known = (or_(Person.known_via_id.is_(None), Person.id.in_(linked)) if linked
                 else Person.known_via_id.is_(None))
        per_person = (
            select(Position.company_id.label("cid"),
                   func.max(case((Position.is_current, 1), else_=0)).label("now"))
            .join(Person, Person.id == Position.person_id)
            .where(Position.company_id.in_(ids), Person.is_me == false(), known)
            .group_by(Position.company_id, Position.person_id).subquery())
        rows = session.execute(
            select(per_person.c.cid, per_person.c.now, func.count())
            .group_by(per_person.c.cid, per_person.c.now))
        for cid, current, n in rows:
            counts[(cid, bool(current))] = n
        for cc in session.scalars(select(CompanyContact).where(CompanyContact.company_id
                                                               .in_(ids))
                                  .order_by(CompanyContact.id)):
            contacts.setdefault(cc.company_id, []).append(
                {"id": cc.id, "kind": cc.kind, "label": cc.label, "value": cc.value,
                 "preferred": cc.preferred,
                 **({"address": parts_view(cc.address_parts),
                     "address_label": cc.address_label} if cc.kind == "address" else {})})
        for cid, name in session.execute(select(CompanyTag.company_id, Tag.name)
                                         .join(Tag, Tag.id == CompanyTag.tag_id)
                                         .where(CompanyTag.company_id.in_(ids))
                                         .order_by(Tag.name)):
            tags.setdefault(cid, []).append(name)
        photos = set(session.scalars(select(Company.id).where(
            Company.id.in_(ids), Company.photo_type.is_not(None))))
    return [
        CompanySummary(
            id=c.id, name=c.name, aliases=[a.alias for a in c.aliases],
            domains=[d.domain for d in c.domains], industry=c.industry, website=c.website,
            location=c.location, people_current=counts.get((c.id, True), 0),
            people_former=counts.get((c.id, False), 0),
            contact_points=contacts.get(c.id, []), tags=tags.get(c.id, []),
            has_photo=c.id in photos,
        )
        for c in companies
    ]

