"""A vdir: one ``.vcf`` file per contact in a folder, the format khard and vdirsyncer share.

crm names its files ``UID.vcf`` and writes each through ``crm.core.files`` (a temporary file
beside it, synced, renamed: 0600, never half written). A file's ETag is its modification
time and size, as vdirsyncer's own filesystem storage does; a changed ETag whose content
is the same is noticed by the content hash and costs nothing more.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from crm.core.errors import CrmError
from crm.core.files import write_file
from crm.sync.store import Changed, StoreError
from crm.vcard.reader import read_text

_SAFE = re.compile(r"^[A-Za-z0-9@._+-]{1,200}$")


def file_name(uid: str) -> str:
    """``UID.vcf``, or a hash of the UID when it is not a safe file name."""
    if _SAFE.match(uid) and not uid.startswith("."):
        return uid + ".vcf"
    return hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".vcf"


class VdirStore:
    kind = "vdir"

    def __init__(self, folder: Path) -> None:
        self.folder = folder.expanduser().resolve()
        self.location = str(self.folder)
        if not self.folder.is_dir():
            raise CrmError(f"{folder}: no such folder (create it first: mkdir -p {folder})")

    def _etag(self, path: Path) -> str:
        st = path.stat()
        return f"{st.st_mtime_ns}-{st.st_size}"

    def listing(self) -> dict[str, str]:
        try:
            out = {}
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".vcf") and not entry.name.startswith(".") \
                            and entry.is_file():
                        st = entry.stat()
                        out[entry.name] = f"{st.st_mtime_ns}-{st.st_size}"
            return out
        except OSError as err:
            raise StoreError(f"{self.folder}: cannot list: {err.strerror}") from None

    def version(self) -> str | None:
        return None  # listing a folder costs next to nothing: always listed

    def get(self, names: list[str]) -> dict[str, tuple[str, str]]:
        out = {}
        for name in names:
            path = self.folder / name
            try:
                etag = self._etag(path)
                text = read_text(path)
            except FileNotFoundError:
                continue
            except CrmError as err:  # empty or not a vCard: read as what it is
                if not path.exists():
                    continue
                text = path.read_text("utf-8", "replace") if path.stat().st_size else ""
                if not text.strip():
                    raise StoreError(str(err)) from None
            out[name] = (text, etag)
        return out

    def create(self, uid: str, raw: str) -> tuple[str, str]:
        name = file_name(uid)
        path = self.folder / name
        if path.exists():
            raise Changed(name)
        write_file(path, raw)
        return name, self._etag(path)

    def update(self, name: str, raw: str, etag: str) -> str:
        path = self.folder / name
        try:
            if self._etag(path) != etag:
                raise Changed(name)
        except FileNotFoundError:
            raise Changed(name) from None
        write_file(path, raw)
        return self._etag(path)

    def delete(self, name: str, etag: str) -> None:
        path = self.folder / name
        try:
            if self._etag(path) != etag:
                raise Changed(name)
            path.unlink()
        except FileNotFoundError:
            return

    def close(self) -> None:
        return None
