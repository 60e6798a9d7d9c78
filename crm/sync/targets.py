"""The sync targets crm knows (each vdir or CardDAV address book synced before), adding a
new one, and running a sync with each of them again: what the TUI's "Sync now" and its
sync settings do and show."""

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
from crm.sync.engine import Choice, SyncReport, sync
from crm.sync.store import Store

KINDS = ("vdir", "carddav")


@dataclass(frozen=True)
class ProposalView:
    """A card deleted there whose person crm still has (from the target's last sync)."""

    person_id: int
    person: str
    card: str


@dataclass(frozen=True)
class TargetView:
    id: int
    kind: str
    location: str
    username: str | None
    last_sync_at: datetime | None
    last_summary: str  # "2 created in crm, 1 updated there" or "nothing changed"
    proposals: tuple[ProposalView, ...] = ()

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
        proposals = tuple(
            ProposalView(int(p["person_id"]), str(p.get("person") or ""), str(p.get("card")))
            for p in counts.get("proposals") or () if isinstance(p, dict) and p.get("person_id"))
        out.append(TargetView(t.id, t.kind, t.location, t.username, t.last_sync_at,
                              summary_text(counts) if t.last_report else "never synced",
                              proposals))
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


def remember_password(user: str, url: str, password: str) -> bool:
    """Keep the password in the system keyring (service: the URL); False when there is no
    ``keyring`` package or no usable backend (the password is then used for this sync only,
    and never stored anywhere else)."""
    try:
        import keyring
    except ImportError:
        return False
    try:
        keyring.set_password(url, user, password)
    except Exception:  # no usable keyring backend
        return False
    return True


def new_store(kind: str, location: str, username: str = "", password: str = "") -> Store:
    """The store of an address book the user adds, checked: the folder exists, or the
    server answers a listing with this user and password (a StoreError says why not)."""
    location = location.strip()
    if kind not in KINDS:
        raise CrmError(f"{kind!r}: the kind is vdir or carddav")
    if not location:
        raise CrmError("the folder or address is missing" if kind == "vdir"
                       else "the address (URL) is missing")
    store: Store
    if kind == "vdir":
        from crm.sync.vdir import VdirStore

        store = VdirStore(Path(location))
    else:
        from crm.sync.carddav import CardDavStore

        if not location.startswith(("http://", "https://")):
            raise CrmError(f"{location!r}: not an http:// or https:// address")
        if not username.strip():
            raise CrmError("the user name is missing: a CardDAV server asks for one")
        password = password or keyring_password(username, location) \
            or os.environ.get("CRM_CARDDAV_PASSWORD") or ""
        if not password:
            raise CrmError("the password is missing")
        store = CardDavStore(location, username.strip(), password)
    try:
        store.listing()
    except BaseException:
        store.close()
        raise
    return store


def sync_with(db: Database, store: Store, username: str | None = None, *,
              apply_deletions: Choice = False, refuse_deletions: Choice = False) -> SyncReport:
    """One sync with ``store``, closed after."""
    try:
        return sync(db, store, username=username, apply_deletions=apply_deletions,
                    refuse_deletions=refuse_deletions)
    finally:
        store.close()


def sync_again(db: Database, target: TargetView, *, apply_deletions: Choice = False,
               refuse_deletions: Choice = False) -> SyncReport:
    return sync_with(db, store_for(target), target.username,
                     apply_deletions=apply_deletions, refuse_deletions=refuse_deletions)
