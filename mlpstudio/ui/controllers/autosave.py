"""Autosave: unsaved work is written aside every minute, and offered back after a crash.

While the session is modified, the project (``current_project`` of the files controller) is
written every ``interval_ms`` with the core's atomic save, so a crash mid-write never leaves half
a file. When the session becomes unmodified (saved, work discarded, a file opened) the autosave
is deleted, and so it is on a clean close (:meth:`AutosaveController.shutdown`); a crash or a
kill leaves it for the next start to offer (:meth:`pending`, :meth:`describe`, :meth:`restore`,
:meth:`discard`).

**Files.** Each run writes ``session-<pid>-<token>.json`` (a plain, valid project file) and
``session-<pid>-<token>.meta.json`` beside it (when it was written and the project's own path,
for the question "xor.json, 3 minutes ago"). The token is new at every start, so a run never
writes over a file left by an earlier one.

**Several windows.** Every app instance owns only its own files and deletes only those (and the
one the user restored or discarded). At start, a file of another run is *pending* when:

- its process id is no longer running (that run crashed or was killed), or
- its process id is our own but no controller in this process owns it: an earlier run that had
  our id crashed (ids are reused, and sandboxes hand out the same small ids at every start).

A file whose process still runs belongs to another open window and is left alone. Two windows
that start at the same moment after a crash may both offer the same file; restoring it twice
loses nothing.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QTimer, Signal

from mlpstudio.core import project as core_project

from ..session import Session

DEFAULT_INTERVAL_MS = 60_000
_NAME = re.compile(r"session-(\d+)-([0-9a-f]+)\.json")
_META = re.compile(r"session-(\d+)-([0-9a-f]+)\.meta\.json")

# File names owned by controllers alive in this process: a second controller (a second window
# in one process, or a test) must not take them for a crashed run's just because the pid matches.
_LIVE_FILES: set[str] = set()


def default_folder() -> Path:
    """Where autosaves live: the user's data folder, not the project's (it may be read-only)."""
    return Path(platformdirs.user_data_dir("mlpstudio", "MLPStudio")) / "autosave"


@dataclass(frozen=True)
class AutosaveInfo:
    """An autosave left by an earlier run: its file, the project's own path, when written."""

    file: Path
    source: Path | None  # the project file the work belonged to; None for Untitled
    written: float  # seconds since the epoch (time.time())
    pid: int


class AutosaveController(QObject):
    """Writes the session aside while it is modified; finds and restores an earlier run's.

    ``project`` returns the project to write (``FilesController.current_project``). Nothing here
    raises into the event loop: a failure to write, delete or read is reported through
    ``failed`` (once per distinct message, until a write succeeds again) and autosave goes on.
    """

    failed = Signal(str)  # a sentence for the status bar or a message box
    autosaved = Signal()  # this run's autosave was written

    def __init__(
        self,
        session: Session,
        project: Callable[[], core_project.Project],
        folder: Path | str | None = None,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.project = project
        self.folder = Path(folder) if folder is not None else default_folder()
        self.pid = os.getpid()
        stem = f"session-{self.pid}-{secrets.token_hex(4)}"
        self.file = self.folder / f"{stem}.json"
        self.meta_file = self.folder / f"{stem}.meta.json"
        _LIVE_FILES.add(self.file.name)
        self._closed = False
        self._dirty = False  # changed since the last write: an idle session is not rewritten
        self._last_error = ""
        self._restored: Path | None = None  # restored, not yet shown and written as ours
        self._pending = self._scan()

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        session.fileChanged.connect(self._file_changed)
        for signal in (
            session.dataChanged,
            session.architectureChanged,
            session.weightsChanged,
            session.settingsChanged,
            session.historyChanged,
            session.stateChanged,
        ):
            signal.connect(self._touched)
        if session.modified:
            self._file_changed()

    # ---- writing ------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether autosave is running (the session is modified and not closed)."""
        return self.timer.isActive()

    def write_now(self) -> bool:
        """Write the session's project now; False (and ``failed``) if it could not be written,
        False without a word if there is nothing to write (the session is unmodified)."""
        if self._closed or not self.session.modified:
            return False
        try:
            proj = self.project()
            self.folder.mkdir(parents=True, exist_ok=True)
            core_project.save(proj, self.file)
            path = self.session.path
            meta = {
                "pid": self.pid,
                "written": time.time(),
                "source": None if path is None else str(Path(path).resolve()),
            }
            _write_small(self.meta_file, json.dumps(meta))
        except Exception as e:  # never into the event loop: any failure is reported, not raised
            self._fail(f"Cannot autosave to {self.folder}: {_reason(e)}")
            return False
        self._dirty = False
        self._last_error = ""
        if self._restored is not None:
            # The restored work is now in this run's file: the old one has done its job.
            self._delete(self._restored)
            self._restored = None
        self.autosaved.emit()
        return True

    def shutdown(self) -> None:
        """A clean close: the work was saved or the user chose to discard it, so the autosave
        goes. A restored autosave not yet shown (see :meth:`finish_restore`) stays pending."""
        if self._closed:
            return
        self.timer.stop()
        self._delete(self.file)
        self._closed = True
        _LIVE_FILES.discard(self.file.name)

    def _tick(self) -> None:
        if self._dirty:
            self.write_now()

    def _touched(self, *_: object) -> None:
        self._dirty = True

    def _file_changed(self) -> None:
        if self._closed:
            return
        self._dirty = True  # the path may have changed, and the sidecar names it
        if self.session.modified:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
            self._delete(self.file)

    # ---- an earlier run's autosave ------------------------------------------------------------

    def pending(self) -> Path | None:
        """The newest autosave left by a run that crashed, or None."""
        info = self.pending_info()
        return None if info is None else info.file

    def pending_info(self) -> AutosaveInfo | None:
        """The newest pending autosave with its sidecar (for the question and the path)."""
        return self._pending[0] if self._pending else None

    def describe(self, now: float | None = None) -> str:
        """``"xor.json, 3 minutes ago"`` or ``"Untitled, just now"``; "" when nothing is pending."""
        info = self.pending_info()
        if info is None:
            return ""
        name = info.source.name if info.source is not None else "Untitled"
        return f"{name}, {ago((time.time() if now is None else now) - info.written)}"

    def restore(self) -> core_project.Project:
        """Load the pending autosave with the core's loader (which validates it all).

        A file that does not load is moved aside (``….json.corrupt``), so it is never offered
        again, reported through ``failed``, and :class:`ProjectError` is raised for the caller to
        carry on without it. The loaded file stays on disk until :meth:`finish_restore`.
        """
        info = self.pending_info()
        if info is None:
            raise core_project.ProjectError("there is no autosave to restore")
        try:
            proj = core_project.load(info.file)
        except core_project.ProjectError as e:
            self._pending.pop(0)
            aside = self._move_aside(info.file)
            where = f"moved aside to {aside.name}" if aside else "deleted"
            message = f"The autosaved work could not be restored ({where}): {e}"
            self.failed.emit(message)
            raise core_project.ProjectError(message) from None
        self._restored = info.file
        return proj

    def finish_restore(self) -> None:
        """Call once the restored project is shown: it is in no file of the user's, so the
        session is marked modified and written as this run's autosave at once, which deletes
        the old file. Until then the old file stays, so a crash in between loses nothing."""
        if self._restored is None:
            return
        self._pending = [p for p in self._pending if p.file != self._restored]
        self.session.mark_modified()
        self.write_now()

    def discard(self) -> None:
        """The user does not want the pending autosave: delete it (the next one, if any, is
        offered by :meth:`pending`)."""
        info = self.pending_info()
        if info is None:
            return
        self._pending.pop(0)
        if self._restored == info.file:
            self._restored = None
        self._delete(info.file)

    def _scan(self) -> list[AutosaveInfo]:
        """Autosaves of runs that are gone, newest first; orphan sidecars of such runs go."""
        try:
            names = [p.name for p in self.folder.iterdir()]
        except OSError:  # no folder yet (nothing ever autosaved) or unreadable: nothing pending
            return []
        found: list[AutosaveInfo] = []
        for name in names:
            match = _NAME.fullmatch(name)
            if match and self._left_behind(name, int(match[1])):
                found.append(self._info(self.folder / name, int(match[1])))
            meta = _META.fullmatch(name)
            if meta and self._left_behind(name, int(meta[1])):
                project = self.folder / f"session-{meta[1]}-{meta[2]}.json"
                if not project.exists():  # a crash between deleting the project and its sidecar
                    with contextlib.suppress(OSError):
                        (self.folder / name).unlink()
        found.sort(key=lambda info: info.written, reverse=True)
        return found

    def _left_behind(self, name: str, pid: int) -> bool:
        if name.replace(".meta.json", ".json") in _LIVE_FILES:
            return False  # another controller in this process writes it
        return pid == self.pid or not process_alive(pid)

    @staticmethod
    def _info(file: Path, pid: int) -> AutosaveInfo:
        """Read the sidecar, trusting nothing in it: without one, the file's own time."""
        source: Path | None = None
        try:
            written = file.stat().st_mtime
        except OSError:
            written = 0.0
        try:
            meta = json.loads(_meta_path(file).read_text(encoding="utf-8"))
            if isinstance(meta.get("source"), str) and meta["source"]:
                source = Path(meta["source"])
            value = meta.get("written")
            if isinstance(value, (int, float)) and math.isfinite(value):
                written = float(value)
        except (OSError, ValueError, AttributeError):
            pass
        return AutosaveInfo(file=file, source=source, written=written, pid=pid)

    # ---- files --------------------------------------------------------------------------------

    def _delete(self, file: Path) -> None:
        for path in (file, _meta_path(file)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                self._fail(f"Cannot delete the autosave {path}: {_reason(e)}")

    def _move_aside(self, file: Path) -> Path | None:
        aside = file.with_name(file.name + ".corrupt")
        try:
            os.replace(file, aside)
        except OSError:
            aside = None
            with contextlib.suppress(OSError):
                file.unlink()
        with contextlib.suppress(OSError):
            _meta_path(file).unlink()
        return aside

    def _fail(self, message: str) -> None:
        # Once per distinct problem: a full disk must not raise a message every minute.
        if message != self._last_error:
            self._last_error = message
            self.failed.emit(message)


def _meta_path(file: Path) -> Path:
    return file.with_name(file.name.removesuffix(".json") + ".meta.json")


def _write_small(path: Path, text: str) -> None:
    """Replace a small file at once: a crash leaves the old sidecar or the new, never half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _reason(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


def ago(seconds: float) -> str:
    """How long ago, in words a person would say ("just now", "3 minutes ago", "2 days ago")."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''} ago"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs now (any user's: it may be another window)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but is not ours to signal
    except OSError:
        return False
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied  # exists, but another user's
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
