"""The temporary files of atomic saves: their names, and removing the ones a killed save left.

A save writes ``.NAME.<8 hex digits>.tmp`` beside ``NAME`` and then renames it over ``NAME``.
A save killed between the two (``kill -9``, a power cut, a crash of the app) leaves that file
behind, and nothing else would ever remove it. So saving or loading ``NAME`` removes the
leftovers of ``NAME``'s own saves, and only those:

- the name must match exactly the pattern this module writes, for this target (another
  project's temporary files, or a file a person named similarly, stay);
- it must be a regular file (not a folder, not a symbolic link, which is never followed);
- it must not belong to a save in progress: a save holds an exclusive ``flock`` on its file
  from the moment it creates it, and a file is left alone unless that lock can be taken; and,
  for the instant between creating the file and locking it (and for file systems without
  locks), a file modified in the last :data:`STALE_SECONDS` is left alone too.

Cleaning is best effort: a folder that cannot be listed or a file that cannot be removed is
skipped silently, since the save or load it accompanies has succeeded.

:func:`write_atomic` is the save itself, for any bytes: project files use it, and so do the
exported models (``core/export``), which may also ask it never to replace an existing file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

try:  # POSIX; on Windows an open file cannot be removed anyway, which protects a save there
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STALE_SECONDS = 60.0  # a save in progress rewrites or locks its file well within this
_HEX_DIGITS = 8


def temp_path(target: Path) -> Path:
    """A fresh temporary name beside ``target``: ``.NAME.<8 hex digits>.tmp``."""
    return target.parent / f".{target.name}.{secrets.token_hex(_HEX_DIGITS // 2)}.tmp"


def is_temp_of(name: str, target_name: str) -> bool:
    """True if ``name`` is exactly what :func:`temp_path` makes for a target named so."""
    pattern = rf"\.{re.escape(target_name)}\.[0-9a-f]{{{_HEX_DIGITS}}}\.tmp"
    return re.fullmatch(pattern, name) is not None


def hold(fd: int) -> None:
    """Mark the open temporary file as in use for as long as ``fd`` stays open."""
    if fcntl is None:
        return
    # Best effort: a file system without locks still has the age rule.
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale(target: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Remove the temporary files that interrupted saves of ``target`` left; return them."""
    target = Path(target)
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not is_temp_of(entry.name, target.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_SECONDS:
            continue
        if _in_use(entry.path):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _in_use(path: str) -> bool:
    """True if a save still holds the file's lock (or we cannot tell: then keep the file)."""
    if fcntl is None:
        return False
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases the lock just taken
    return False


def write_atomic(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` atomically; on any error the old file stays as it was.

    The bytes go to a temporary file beside ``path`` (:func:`temp_path`, locked with
    :func:`hold` while written), are flushed and fsynced, and the file is then renamed over
    ``path``, keeping the permissions of the file it replaces. With ``overwrite=False`` an
    existing ``path`` is never replaced: ``FileExistsError`` names it, also when the file
    appeared while the data was being written. An ``OSError`` names ``path``, not the
    temporary file. Afterwards, the leftovers of interrupted writes of ``path`` are removed
    (:func:`remove_stale`).
    """
    path = Path(path)
    if not overwrite and os.path.lexists(path):
        raise _exists(path)
    try:  # keep the permissions of the file we replace; a new one gets the umask's default
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    tmp = temp_path(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            hold(f.fileno())  # until closed: a cleaner sees this write in progress
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            if os.name == "nt":  # Windows cannot rename an open file; POSIX keeps the lock
                f.close()
            try:
                if overwrite:
                    os.replace(tmp, path)
                else:
                    _place_new(tmp, path)
            except OSError as exc:  # e.g. a folder in the way: name it, not our temporary file
                if exc.errno is None:
                    raise
                raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)
    remove_stale(path)


def _exists(path: Path) -> FileExistsError:
    return FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path))


def _place_new(tmp: Path, path: Path) -> None:
    """Give the written ``tmp`` the name ``path`` only if no file has it (then ``tmp`` goes)."""
    try:
        # A hard link fails if the name exists, with no moment at which it could be replaced.
        os.link(tmp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(path):
            raise _exists(path) from None
        os.replace(tmp, path)
        return
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; folders cannot be opened this way on Windows.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
