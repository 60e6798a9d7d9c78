"""Intro requests along a warm path: a short, forwardable note to the first person on the
best path (``crm.core.network.paths``), from a template the user can edit, and the ask
recorded (a referral "asked", which proposes chasing it a week later).

The template is ``templates/intro.txt`` in the data directory, copied there from the one
shipped with crm on first use. Its ``$names`` are filled in with ``string.Template`` (a
name it does not know stays as written): ``$via``, ``$via_first``, ``$target``,
``$target_first``, ``$target_role``, ``$target_role_paren``, ``$company``,
``$company_or_field``, ``$path``, ``$me``, ``$me_first``, ``$headline``,
``$headline_paren``, ``$contact``, ``$why``, ``$why_sentence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template
from typing import Any

from sqlalchemy.orm import Session

from crm.core.contacts.people import get_me, summaries_by_id
from crm.core.errors import CrmError, InvalidInput, NotFound
from crm.core.models import Company, Person
from crm.core.network.paths import IntroPath, intro_paths
from crm.core.paths import data_dir

DEFAULT_TEMPLATE = Path(__file__).with_name("intro_template.txt")


def template_path() -> Path:
    return data_dir() / "templates" / "intro.txt"


def load_template() -> tuple[str, Path]:
    """The user's template, made from the shipped one the first time."""
    path = template_path()
    if not path.exists():
        from crm.core.files import write_file

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file(path, DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    try:
        return path.read_text(encoding="utf-8"), path
    except (OSError, UnicodeDecodeError) as err:
        raise CrmError(f"cannot read the intro template {path}: {err}") from None


@dataclass(frozen=True)
class IntroDraft:
    text: str
    via_id: int
    via: str
    target_id: int
    target: str
    company: str | None
    path: list[str]  # the names from the first person on to the target
    template: str  # the template file used
    referral_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "via": {"id": self.via_id, "name": self.via},
                "target": {"id": self.target_id, "name": self.target},
                "company": self.company, "path": self.path, "template": self.template,
                "referral_id": self.referral_id}


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def choose_path(session: Session, target: Person | Company, via: Person | None,
                today: date | None = None) -> IntroPath:
    """The best path that needs an introduction (two hops or more), through ``via`` if
    given."""
    paths = intro_paths(session, target, 3, limit=200, today=today)
    name = target.display_name if isinstance(target, Person) else target.name
    direct = [p for p in paths if p.hops == 1]
    usable = [p for p in paths if p.hops >= 2]
    if via is not None:
        usable = [p for p in usable if p.steps[0].person_id == via.id]
        if not usable:
            raise NotFound(f"no path to {name} through {via.display_name} (crm path "
                           f"{name!r} lists the ways there are)")
    if not usable:
        if direct:
            who = ", ".join(p.steps[0].name for p in direct[:3])
            raise InvalidInput(f"you know {who} yourself: no introduction needed to {name}"
                               if isinstance(target, Person) else
                               f"you know {who} at {name} yourself: ask them directly")
        raise NotFound(f"no path to {name} within 3 hops (link the people you know with "
                       "crm link)")
    return usable[0]


def draft_intro(session: Session, target: Person | Company, *, via: Person | None = None,
                why: str | None = None, today: date | None = None) -> IntroDraft:
    """The intro request for ``target`` along the best path (nothing recorded)."""
    me = get_me(session)
    if me is None:
        raise CrmError("nobody is marked as you, so the note cannot say who you are: mark "
                       "yourself with crm edit person 'Your Name' --me")
    path = choose_path(session, target, via, today)
    first, last = path.steps[0], path.steps[-1]
    people = summaries_by_id(session, [me.id, last.person_id])
    mine, theirs = people[me.id], people[last.person_id]
    company = target.name if isinstance(target, Company) else theirs.company
    role = " at ".join(x for x in (theirs.title, theirs.company) if x)
    why_text = (why or "").strip()
    contact = " · ".join([*mine.emails[:1], *mine.phones[:1]])
    values = {
        "via": first.name, "via_first": _first(first.name), "target": last.name,
        "target_first": _first(last.name), "target_role": role,
        "target_role_paren": f" ({role})" if role else "", "company": company or "",
        "company_or_field": company or "their field",
        "path": " -> ".join(s.name for s in path.steps), "me": me.display_name,
        "me_first": _first(me.given_name or me.display_name), "headline": me.headline or "",
        "headline_paren": f" ({me.headline})" if me.headline else "", "contact": contact,
        "why": why_text,
        "why_sentence": (why_text[0].upper() + why_text[1:]).rstrip(".") + "."
        if why_text else "",
    }
    template, where = load_template()
    text = Template(template).safe_substitute(values)
    if path.hops > 2:
        text += (f"\n(Path: {values['path']}: {first.name} knows "
                 f"{path.steps[1].name}, who can take it further.)\n")
    return IntroDraft(text=text, via_id=first.person_id, via=first.name,
                      target_id=last.person_id, target=last.name, company=company,
                      path=[s.name for s in path.steps], template=str(where))


def record_intro(session: Session, draft: IntroDraft, target: Person | Company,
                 today: date | None = None) -> IntroDraft:
    """Record the ask: a referral "asked" from the first person on the path to the target
    (crm proposes chasing it a week later)."""
    from dataclasses import replace

    from crm.core.jobhunt.referrals import add_referral

    via = session.get(Person, draft.via_id)
    to_person = session.get(Person, draft.target_id)
    assert via is not None and to_person is not None
    referral = add_referral(session, via, to_person=to_person,
                            to=target if isinstance(target, Company) else None,
                            status="asked", note="intro requested (crm intro)", today=today)
    return replace(draft, referral_id=referral.id)
