"""One company whole, as the company screen presents it: ``CompanyDetail``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.core.contacts.companies import CompanySummary, company_summary
from crm.core.errors import NotFound
from crm.core.jobhunt.applications import ApplicationView, list_applications
from crm.core.models import Company
from crm.core.network import WhoAt, who_at


@dataclass(frozen=True)
class CompanyDetail:
    """The company, who I know there (now, before, through whom) and my applications."""

    summary: CompanySummary
    note: str | None
    who: WhoAt
    applications: tuple[ApplicationView, ...]


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"no company with id {company_id}")
    return company


def company_detail(session: Session, company_id: int) -> CompanyDetail:
    """Everything a company's page shows, read in one unit."""
    company = get_company(session, company_id)
    return CompanyDetail(summary=company_summary(session, company_id), note=company.note,
                         who=who_at(session, company),
                         applications=tuple(list_applications(session, company=company)))
