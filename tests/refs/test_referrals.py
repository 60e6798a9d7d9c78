"""A referral reads the same wherever it is shown: one view (``referral_view``) behind
``crm referrals list``, a person's page and an application's page."""

from __future__ import annotations

from crm.core.contacts.profile import PERSON_REFERRAL_KEYS, person_detail
from crm.core.db import Database
from crm.core.jobhunt.applications import APPLICATION_REFERRAL_KEYS, list_applications
from crm.core.jobhunt.referrals import list_referrals
from crm.core.samples.demo import load_demo


def test_a_referral_is_the_same_on_every_page(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
    with db.read() as s:
        listed = {r.id: r for r in list_referrals(s)}
        people = [person_detail(s, v.referrer_id) for v in listed.values()]
        apps = list_applications(s)
    assert len(listed) == 3
    on_people = {r.id: r for p in people for r in p.referrals}
    on_apps = {r.id: r for a in apps for r in a.referrals}
    assert on_people == listed  # the same frozen views, field by field
    assert {listed[i].application for i in on_apps} == {"Software Engineer II",
                                                         "Backend Engineer"}
    assert all(on_apps[i] == listed[i] for i in on_apps)
    # Each page's --json has the keys it always had, with the values the list has.
    person_json = {r["id"]: r for p in people for r in p.to_json()["referrals"]}
    app_json = {r["id"]: r for a in apps for r in a.to_json()["referrals"]}
    for i, r in listed.items():
        full = r.to_json()
        assert person_json[i] == {k: full[k] for k in PERSON_REFERRAL_KEYS}
        if i in app_json:
            assert app_json[i] == {k: full[k] for k in APPLICATION_REFERRAL_KEYS}
    assert list(person_json[1]) == ["id", "referrer", "referred", "to_person", "to_company",
                                    "status", "note"]
