"""A hand-written sample network, so that a first run shows something meaningful.

Deterministic: the same people, dates and links every time.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crm.core.contacts.companies import add_alias, add_domain, get_or_create_company
from crm.core.contacts.people import count_people, create_person, refresh_search_text
from crm.core.contacts.positions import add_position
from crm.core.errors import DatabaseNotEmpty
from crm.core.models import (
    Application,
    Company,
    Interaction,
    Person,
    Reference,
    ReferenceUse,
    Referral,
)
from crm.core.network import link

SOURCE = "demo"

# name, industry, website, aliases, domains
COMPANIES = [
    ("Northwind Analytics", "Data & analytics", "https://northwind.io", ["Northwind"],
     ["northwind.io"]),
    ("Globex Corporation", "Enterprise software", "https://globex.com", ["Globex", "Globex Corp"],
     ["globex.com"]),
    ("Initech", "Financial software", "https://initech.com", ["Initech Inc."], ["initech.com"]),
    ("Stripe, Inc.", "Payments", "https://stripe.com", ["Stripe"], ["stripe.com"]),
    ("Hooli", "Consumer internet", "https://hooli.xyz", ["Hooli Inc.", "Hooli XYZ"],
     ["hooli.xyz"]),
    ("Acme Robotics, Inc.", "Robotics", "https://acme-robotics.com", ["Acme"],
     ["acme-robotics.com"]),
    ("Pied Piper", "Data compression", "https://piedpiper.com", [], ["piedpiper.com"]),
    ("TalentBridge", "Recruiting agency", "https://talentbridge.example", [], []),
    ("State University", "Education", "https://stateu.edu", ["SU"], ["stateu.edu"]),
    ("Code Mentors", "Non-profit", None, [], []),
]

# name, email, phone, tags, note, [(company, title, kind, start, end)], via
PEOPLE: list[tuple[str, str | None, str | None, list[str], str | None,
                   list[tuple[str, str, str, str | None, str | None]], str | None]] = [
    ("Jordan Lee", "jordan.lee@example.com", "+1 415 555 0100", [], "That's me.",
     [("State University", "B.S. Computer Science", "student", "2021-09", "2025-05"),
      ("Northwind Analytics", "Data Intern", "intern", "2023-06", "2023-08"),
      ("Globex Corporation", "Software Engineering Intern", "intern", "2024-05", "2024-08"),
      ("Initech", "Junior Software Engineer", "full-time", "2025-01", None)], None),
    ("Priya Natarajan", "priya@northwind.io", "+1 415 555 0111", ["reference"],
     "Supervised my internship; loves a clean notebook.",
     [("Northwind Analytics", "Data Science Manager", "full-time", "2019-03", None)], None),
    ("Marcus Webb", "marcus.webb@gmail.com", "+1 415 555 0112", [],
     "Fellow intern at Northwind, now at Stripe. Offered to refer me.",
     [("Northwind Analytics", "Data Intern", "intern", "2023-06", "2023-08"),
      ("Stripe, Inc.", "Software Engineer", "full-time", "2024-06", None)], None),
    ("Elena Petrova", "elena.petrova@hooli.xyz", None, [], None,
     [("Northwind Analytics", "Data Analyst", "full-time", "2022-01", "2024-03"),
      ("Hooli", "Senior Data Analyst", "full-time", "2024-04", None)], None),
    ("Emma Wilson", "emma.wilson@acme-robotics.com", None, [], None,
     [("Northwind Analytics", "Analytics Engineer", "full-time", "2020-02", "2023-01"),
      ("Acme Robotics, Inc.", "Data Platform Lead", "full-time", "2023-02", None)], None),
    ("Sam Okafor", "sam.okafor@globex.com", "+1 650 555 0121", ["reference"],
     "My manager during the Globex internship.",
     [("Globex Corporation", "Engineering Manager", "full-time", "2020-01", None)], None),
    ("Lina Haddad", "lina.haddad@piedpiper.com", "+1 650 555 0122", [],
     "Fellow intern on the payments team.",
     [("Globex Corporation", "Software Engineering Intern", "intern", "2024-05", "2024-08"),
      ("Pied Piper", "Software Engineer", "full-time", "2025-02", None)], None),
    ("Tom Becker", "tom.becker@globex.com", None, ["mentor"],
     "Code reviews taught me more than any class.",
     [("Globex Corporation", "Senior Software Engineer", "full-time", "2018-04", None)], None),
    ("Grace Kim", "grace.kim@globex.com", None, ["recruiter"], None,
     [("Globex Corporation", "Technical Recruiter", "full-time", "2021-06", None)], None),
    ("Diego Alvarez", "diego@stripe.com", "+1 650 555 0124", [], None,
     [("Globex Corporation", "Software Engineer", "full-time", "2019-07", "2024-12"),
      ("Stripe, Inc.", "Staff Engineer", "full-time", "2025-01", None)], None),
    ("Rachel Moore", "rachel.moore@initech.com", "+1 212 555 0131", [], "My manager now.",
     [("Initech", "Engineering Manager", "full-time", "2022-02", None)], None),
    ("Kenji Watanabe", "kenji.watanabe@initech.com", None, [], None,
     [("Initech", "Software Engineer", "full-time", "2023-05", None)], None),
    ("Aisha Bello", "aisha.bello@initech.com", None, [], None,
     [("Initech", "Product Manager", "full-time", "2021-09", None)], None),
    ("Noah Fischer", "noah.fischer@initech.com", None, [], None,
     [("Initech", "Software Engineer", "full-time", "2024-03", None)], None),
    ("Arjun Mehta", "arjun.mehta@hooli.xyz", None, [], "Left Initech just before I joined.",
     [("Initech", "Software Engineer", "full-time", "2021-01", "2024-06"),
      ("Hooli", "Senior Software Engineer", "full-time", "2024-07", None)], None),
    ("Margaret Chen", "m.chen@stateu.edu", "+1 510 555 0141", ["reference", "university"],
     "Professor, Databases and Distributed Systems; supervised my capstone.",
     [("State University", "Professor of Computer Science", "full-time", "2005-08", None)],
     None),
    ("Omar Siddiqui", "omar.siddiqui@stateu.edu", None, ["university"], None,
     [("State University", "Lecturer", "full-time", "2016-08", None)], None),
    ("Chloé Dubois", "chloe.dubois@hooli.xyz", None, ["university"], "Capstone teammate.",
     [("State University", "B.S. Computer Science", "student", "2021-09", "2025-05"),
      ("Hooli", "Software Engineer", "full-time", "2025-07", None)], None),
    ("Ravi Shah", "ravi.shah@stripe.com", None, ["university"], None,
     [("State University", "B.S. Computer Science", "student", "2021-09", "2025-05"),
      ("Stripe, Inc.", "Software Engineer", "full-time", "2025-08", None)], None),
    ("Zoë Müller", "zoe.mueller@acme-robotics.com", "+49 30 5550 1234", ["university"],
     "Exchange student from Berlin; now in robotics.",
     [("State University", "Exchange student", "student", "2023-01", "2023-06"),
      ("Acme Robotics, Inc.", "Robotics Engineer", "full-time", "2024-09", None)], None),
    ("Hannah Brooks", "hannah.brooks@stripe.com", None, ["recruiter"], None,
     [("Stripe, Inc.", "University Recruiter", "full-time", "2022-03", None)], None),
    ("Victor Nguyen", "victor.nguyen@hooli.xyz", None, ["recruiter"], None,
     [("Hooli", "Technical Recruiter", "full-time", "2023-01", None)], None),
    ("Isabel Santos", "isabel@talentbridge.example", "+1 917 555 0151", ["recruiter"],
     "Agency recruiter; sends a lot of roles, some good.",
     [("TalentBridge", "Senior Recruiter", "full-time", "2020-05", None)], None),
    ("Olivia Park", "olivia.park@example.org", None, ["mentor"],
     "Volunteer mentor from Code Mentors; monthly calls.",
     [("Code Mentors", "Volunteer Mentor", "volunteer", "2022-01", None),
      ("Pied Piper", "Principal Engineer", "full-time", "2019-01", None)], None),
    ("Ben Carter", "ben.carter@gmail.com", "+1 415 555 0161", ["friend"], None,
     [("Hooli", "Site Reliability Engineer", "full-time", "2022-09", None)], None),
    ("Julia Novak", None, None, [], "Met at the RoboConf career fair.",
     [("Acme Robotics, Inc.", "Hardware Engineer", "full-time", "2021-04", None)], None),
    # Known only through someone else.
    ("Felix Wagner", "felix.wagner@stripe.com", None, [], "Marcus's manager.",
     [("Stripe, Inc.", "Engineering Manager", "full-time", "2021-01", None)], "Marcus Webb"),
    ("Sofia Rossi", None, None, [], None,
     [("Hooli", "Staff Engineer", "full-time", "2020-03", None)], "Elena Petrova"),
    ("Ahmed Karim", "ahmed@acme-robotics.com", None, [], "CTO; Zoë offered an intro.",
     [("Acme Robotics, Inc.", "CTO", "full-time", "2019-01", None)], "Zoë Müller"),
    ("Mei Lin", None, None, [], None,
     [("Pied Piper", "Head of Engineering", "full-time", "2023-05", None)], "Lina Haddad"),
    ("Lucas Martin", None, None, [], None,
     [("Stripe, Inc.", "Senior Site Reliability Engineer", "full-time", "2022-10", None)],
     "Diego Alvarez"),
]

# person, other, kind (other is person's KIND), strength
LINKS = [
    ("Jordan Lee", "Priya Natarajan", "manager", 5),
    ("Jordan Lee", "Marcus Webb", "fellow-intern", 4),
    ("Jordan Lee", "Elena Petrova", "co-worker", 3),
    ("Jordan Lee", "Emma Wilson", "acquaintance", 2),
    ("Jordan Lee", "Sam Okafor", "manager", 5),
    ("Jordan Lee", "Lina Haddad", "fellow-intern", 4),
    ("Jordan Lee", "Tom Becker", "mentor", 4),
    ("Jordan Lee", "Grace Kim", "recruiter", 3),
    ("Jordan Lee", "Diego Alvarez", "co-worker", 3),
    ("Jordan Lee", "Rachel Moore", "manager", 4),
    ("Jordan Lee", "Kenji Watanabe", "co-worker", 4),
    ("Jordan Lee", "Aisha Bello", "co-worker", 3),
    ("Jordan Lee", "Arjun Mehta", "acquaintance", 2),
    ("Jordan Lee", "Margaret Chen", "professor", 5),
    ("Jordan Lee", "Omar Siddiqui", "professor", 3),
    ("Jordan Lee", "Chloé Dubois", "classmate", 4),
    ("Jordan Lee", "Ravi Shah", "classmate", 3),
    ("Jordan Lee", "Zoë Müller", "classmate", 4),
    ("Jordan Lee", "Hannah Brooks", "recruiter", 2),
    ("Jordan Lee", "Victor Nguyen", "recruiter", 2),
    ("Jordan Lee", "Isabel Santos", "recruiter", 2),
    ("Jordan Lee", "Olivia Park", "mentor", 5),
    ("Jordan Lee", "Ben Carter", "friend", 5),
    ("Jordan Lee", "Julia Novak", "acquaintance", 1),
    ("Marcus Webb", "Felix Wagner", "manager", 4),
    ("Ravi Shah", "Felix Wagner", "co-worker", 3),
    ("Elena Petrova", "Sofia Rossi", "co-worker", 4),
    ("Ben Carter", "Sofia Rossi", "friend", 3),
    ("Zoë Müller", "Ahmed Karim", "manager", 5),
    ("Emma Wilson", "Ahmed Karim", "co-worker", 3),
    ("Lina Haddad", "Mei Lin", "manager", 4),
    ("Olivia Park", "Mei Lin", "co-worker", 4),
    ("Diego Alvarez", "Lucas Martin", "co-worker", 5),
]

# person, status, relationship, speaks to, since, asked, agreed
REFERENCES = [
    ("Priya Natarajan", "agreed", "Supervisor at Northwind Analytics (data internship)",
     "SQL and Python analysis, ownership of the churn dashboard, communication", "2023-06",
     date(2024, 10, 1), date(2024, 10, 3)),
    ("Sam Okafor", "agreed", "Manager at Globex Corporation (software internship)",
     "Shipping production code, code review, working in a large codebase", "2024-05",
     date(2024, 10, 1), date(2024, 10, 2)),
    ("Margaret Chen", "agreed", "Professor and capstone supervisor at State University",
     "Databases, distributed systems, the capstone project", "2022-09",
     date(2024, 9, 20), date(2024, 9, 21)),
    ("Rachel Moore", "asked", "My current manager at Initech", "Day-to-day engineering work",
     "2025-01", date(2026, 11, 10), None),
    ("Tom Becker", "not-asked", "Mentor at Globex Corporation", "Code quality, growth",
     "2024-05", None, None),
    ("Olivia Park", "declined", "Volunteer mentor (Code Mentors)", "Career growth", "2022-01",
     date(2026, 3, 1), None),
]

INTERACTIONS = [
    ("Priya Natarajan", "coffee", date(2026, 9, 12), "Caught up; she is hiring a data intern."),
    ("Marcus Webb", "call", date(2026, 9, 28), "Talked about Stripe's interview loop."),
    ("Marcus Webb", "message", date(2026, 10, 2), "He submitted the referral."),
    ("Sam Okafor", "email", date(2026, 10, 1), "Asked if he is still OK being a reference."),
    ("Margaret Chen", "meeting", date(2026, 5, 14), "Capstone showcase; she asked about Initech."),
    ("Ben Carter", "coffee", date(2026, 10, 20), "Offered to refer me at Hooli."),
    ("Zoë Müller", "call", date(2026, 8, 2), "Intro to Ahmed at Acme Robotics."),
    ("Olivia Park", "call", date(2026, 11, 3), "Monthly mentoring call: negotiation."),
    ("Tom Becker", "email", date(2025, 2, 1), "Thanked him after the internship."),
    ("Grace Kim", "email", date(2024, 9, 1), "Return offer conversation."),
    ("Isabel Santos", "call", date(2025, 6, 11), "Contract roles in fintech."),
    ("Julia Novak", "event", date(2024, 4, 18), "RoboConf career fair."),
    ("Rachel Moore", "meeting", date(2026, 11, 10), "1:1; asked her to be a reference."),
]

# company, role, stage, applied on, interview on
APPLICATIONS = [
    ("Initech", "Junior Software Engineer", "accepted", date(2024, 10, 5), date(2024, 11, 1)),
    ("Stripe, Inc.", "Software Engineer II", "interviewing", date(2026, 10, 1),
     date(2026, 12, 4)),
    ("Hooli", "Backend Engineer", "applied", date(2026, 11, 2), None),
    ("Acme Robotics, Inc.", "Robotics Software Engineer", "planned", None, None),
]

# referrer, referred (None = me), to person, to company, application role, status, note
REFERRALS = [
    ("Marcus Webb", None, None, "Stripe, Inc.", "Software Engineer II", "referred",
     "Submitted through Stripe's internal referral tool."),
    ("Ben Carter", None, None, "Hooli", "Backend Engineer", "offered", "Waiting on the req id."),
    ("Zoë Müller", None, "Ahmed Karim", "Acme Robotics, Inc.", None, "introduced",
     "Email intro; Ahmed replied within a day."),
]

# reference, application role, used on, notified
REFERENCE_USES = [
    ("Priya Natarajan", "Junior Software Engineer", date(2024, 10, 20), True),
    ("Margaret Chen", "Junior Software Engineer", date(2024, 10, 20), True),
]


def load_demo(session: Session) -> int:
    """Fill an empty database with the sample network; returns the number of people."""
    if count_people(session):
        raise DatabaseNotEmpty("demo")
    companies: dict[str, Company] = {}
    for name, industry, website, aliases, domains in COMPANIES:
        c = get_or_create_company(session, name, source=SOURCE)
        c.industry, c.website = industry, website
        for alias in aliases:
            add_alias(session, c, alias)
        for d in domains:
            add_domain(session, c, d)
        companies[name] = c
    session.flush()
    people: dict[str, Person] = {}
    for name, email, phone, tags, note, positions, via in PEOPLE:
        person = create_person(
            session, name, emails=[email] if email else [], phones=[phone] if phone else [],
            me=name == "Jordan Lee", via=people[via] if via else None, note=note, tags=tags,
            source=SOURCE,
        )
        for company, title, kind, start, end in positions:
            add_position(session, person, companies[company], title=title, kind=kind,
                         start=start, end=end, source=SOURCE)
        people[name] = person
    for a, b, kind, strength in LINKS:
        link(session, people[a], people[b], kind, strength=strength, source=SOURCE)
    apps: dict[str, Application] = {}
    for company, role, stage, applied, interview in APPLICATIONS:
        app = Application(company=companies[company], role=role, stage=stage, applied_on=applied,
                          interview_on=interview)
        session.add(app)
        apps[role] = app
    for name, status, rel, speaks, since, asked, agreed in REFERENCES:
        session.add(Reference(person=people[name], status=status, relationship_text=rel,
                              speaks_to=speaks, since=since, asked_on=asked, agreed_on=agreed,
                              strength=4 if status == "agreed" else 3))
    for name, kind, when, summary in INTERACTIONS:
        session.add(Interaction(person=people[name], kind=kind, occurred_on=when,
                                summary=summary))
    for referrer, referred, to_person, to_company, app_role, status, note in REFERRALS:
        session.add(Referral(
            referrer=people[referrer], referred=people[referred] if referred else None,
            to_person=people[to_person] if to_person else None,
            to_company=companies[to_company] if to_company else None,
            application=apps[app_role] if app_role else None, status=status, note=note,
        ))
    session.flush()
    for name, used_role, used_on, notified in REFERENCE_USES:
        ref = people[name].reference
        assert ref is not None
        app = apps[used_role]
        ref.uses.append(ReferenceUse(application=app, company=app.company, used_on=used_on,
                                     notified=notified, notified_on=used_on if notified else None))
    for person in people.values():
        refresh_search_text(person)
    session.flush()
    return len(people)
