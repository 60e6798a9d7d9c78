"""The sync targets crm knows (each vdir or CardDAV address book synced before) and running
a sync with each of them again: what the TUI's "Sync now" does and shows."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.db import Database
from crm.core.errors import CrmError
from crm.core.models import SyncTarget
from crm.sync.engine import SyncReport, sync
from crm.sync.store import Store


@dataclass(frozen=True)
class TargetView:
    id: int
    kind: str
    location: str
    username: str | None
    last_sync_at: datetime | None
    last_summary: str  # "2 created in crm, 1 updated there" or "nothing changed"

    @property
    def label(self) -> str:
        return f"{self.kind} {self.location}"


def summary_text(counts: dict[str, object]) -> str:
    parts = []
    for side, where in (("crm", "in crm"), ("remote", "there")):
        values = counts.get(side)
        if isinstance(values, dict):
            parts += [f"{n} {a} {where}" for a, n in values.items() if n]
    for key, what in (("conflicts", "conflicts"), ("deletion_proposals", "deletion proposals"),
                      ("failed", "failed")):
        if counts.get(key):
            parts.append(f"{counts[key]} {what}")
    return ", ".join(parts) or "nothing changed"


def list_targets(session: Session) -> list[TargetView]:
    out = []
    for t in session.scalars(select(SyncTarget).order_by(SyncTarget.id)):
        try:
            counts = json.loads(t.last_report) if t.last_report else {}
        except ValueError:
            counts = {}
        out.append(TargetView(t.id, t.kind, t.location, t.username, t.last_sync_at,
                              summary_text(counts) if t.last_report else "never synced"))
    return out


def last_sync(session: Session) -> TargetView | None:
    synced = [t for t in list_targets(session) if t.last_sync_at is not None]
    return max(synced, key=lambda t: t.last_sync_at or datetime.min) if synced else None


def store_for(target: TargetView, password: str | None = None) -> Store:
    """The store of a known target; a CardDAV password from the keyring or
    CRM_CARDDAV_PASSWORD when not given (never asked for here: no terminal)."""
    if target.kind == "vdir":
        from crm.sync.vdir import VdirStore

        return VdirStore(Path(target.location))
    from crm.sync.carddav import CardDavStore

    user = target.username or ""
    password = password or keyring_password(user, target.location) \
        or os.environ.get("CRM_CARDDAV_PASSWORD")
    if not password:
        raise CrmError(f"no password for {user} at {target.location}: keep it in the system "
                       "keyring or set CRM_CARDDAV_PASSWORD")
    return CardDavStore(target.location, user, password)


def keyring_password(user: str, url: str) -> str | None:
    """The password kept in the system keyring (service: the URL, else "crm"), when the
    optional ``keyring`` package is installed and has a usable backend."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(url, user) or keyring.get_password("crm", user)
    except Exception:  # no usable keyring backend: the next way
        return None
    return str(found) if found else None


def sync_again(db: Database, target: TargetView) -> SyncReport:
    store = store_for(target)
    try:
        return sync(db, store, username=target.username)
    finally:
        store.close()
