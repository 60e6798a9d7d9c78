"""The one way crm writes a file: beside the target, 0600, synced, then renamed into place.

A reader (or the next crm) sees the old file or the whole new one, never a file cut short:
on a full disk, a quota, a failed rename or an interrupt, the old file is left byte for byte
and the temporary file is removed. ``write_file`` writes bytes or text;
``replacing`` hands a temporary path to code that must write it itself (SQLite's backup)
and ``stage``/``publish`` split the two halves for a caller that has a transaction to
commit in between (a reference export records its uses only once the file is written).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm.core.errors import CrmError, Failure

PRIVATE = 0o600
# Files SQLite may leave beside a database written at the temporary path.
_SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def write_file(path: str | os.PathLike[str], content: bytes | str) -> Path:
    """Write ``content`` (text as UTF-8, newlines as given) to ``path`` atomically; 0600."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    publish(stage(target, data), target)
    return target


def stage(path: Path, content: bytes) -> Path:
    """Write ``content`` to a synced temporary file beside ``path``; ``publish`` renames it in."""
    fd, tmp = _open_temp(path)
    try:
        view = memoryview(content)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as err:
        os.close(fd)
        discard(tmp)
        raise _cannot_write(path, err) from None
    except BaseException:
        os.close(fd)
        discard(tmp)
        raise
    os.close(fd)
    return tmp


def publish(tmp: Path, path: Path) -> None:
    """Rename a staged file over ``path`` and sync the directory, so the rename survives."""
    try:
        os.replace(tmp, path)
    except OSError as err:
        discard(tmp)
        raise _cannot_write(path, err) from None
    except BaseException:
        discard(tmp)
        raise
    _sync_directory(path.parent)


def discard(tmp: Path) -> None:
    """Remove a staged file (and what SQLite may have left beside it); no error if gone."""
    for name in (str(tmp), *(str(tmp) + side for side in _SQLITE_SIDE_FILES)):
        with contextlib.suppress(OSError):
            os.unlink(name)


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; renamed over ``path`` when the block ends.

    The block writes the file itself (and may close it); it is synced and published after.
    Any failure leaves ``path`` as it was and removes the temporary file.
    """
    target = Path(path)
    fd, tmp = _open_temp(target)
    os.close(fd)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, _mode_for(target))  # a writer such as SQLite may have widened it
    except OSError as err:
        discard(tmp)
        raise _cannot_write(target, err) from None
    except BaseException:
        discard(tmp)
        raise
    publish(tmp, target)
    discard(tmp)  # only side files remain by now (a journal SQLite did not delete)


def _open_temp(path: Path) -> tuple[int, Path]:
    if path.is_dir():
        raise CrmError(f"cannot write {path}: it is a directory")
    directory = path.parent
    if not directory.is_dir():
        raise CrmError(f"cannot write {path}: no directory {directory}")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise _cannot_write(path, err) from None
    with contextlib.suppress(OSError):  # mkstemp made it 0600; narrower if the old file was
        os.fchmod(fd, _mode_for(path))
    return fd, Path(name)


def _mode_for(path: Path) -> int:
    """0600, or narrower when the file being replaced was narrower."""
    mode = PRIVATE
    with contextlib.suppress(OSError):
        mode &= stat.S_IMODE(path.stat().st_mode)
    return mode


def _sync_directory(directory: Path) -> None:
    # Best effort: some filesystems cannot open or fsync a directory; the rename stands.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# The disk or the system failed, not the user's choice of path: an unexpected failure.
_FAILURES = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


def _cannot_write(path: Path, err: OSError) -> CrmError:
    reason = err.strerror or type(err).__name__
    if err.errno in _FAILURES:
        return Failure(f"cannot write {path}: {reason}; the previous file, if any, is "
                       "unchanged")
    return CrmError(f"cannot write {path}: {reason}")
