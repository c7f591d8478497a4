"""Autosave: unsaved work is written aside while modified, removed when it is safe, and offered
back after a crash, bit for bit; nothing it does raises into the event loop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mlpstudio.core import project as core_project
from mlpstudio.ui.controllers import autosave
from mlpstudio.ui.controllers.autosave import AutosaveController, ago

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

QUIET = 3_600_000  # an interval no test waits for: those tests call write_now()


def controller(window, folder, interval_ms: int = QUIET) -> AutosaveController:
    return AutosaveController(
        window.session, window.files.current_project, folder, interval_ms, parent=window
    )


def modified(window) -> np.ndarray:
    """Edit one weight by hand (marks the session modified); the parameters as they are now."""
    assert window.session.set_param(0, 0.123456789012345)
    assert window.session.modified
    return window.session.net.params.copy()


def crash(ctrl: AutosaveController, monkeypatch) -> None:
    """The process dies: its controller runs no more code (no shutdown, its file stays), and
    the next run's memory holds no file of it."""
    ctrl.timer.stop()
    ctrl._closed = True
    monkeypatch.setattr(autosave, "_LIVE_FILES", set())


def other_process():
    """A real process that runs until its input is closed: its id is live, then dead."""
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )


def test_writes_on_the_interval_only_while_modified(window, qtbot, tmp_path):
    ctrl = controller(window, tmp_path, interval_ms=20)
    assert not window.session.modified
    assert not ctrl.active
    assert not ctrl.write_now()
    assert not ctrl.file.exists()

    params = modified(window)
    assert ctrl.active
    with qtbot.waitSignal(ctrl.autosaved, timeout=5000):
        pass
    proj = core_project.load(ctrl.file)  # a valid project: the core's loader checks it all
    assert np.array_equal(proj.network.params, params)
    assert proj.network.sizes == window.session.net.sizes
    assert ctrl.meta_file.exists()

    writes: list[int] = []
    ctrl.autosaved.connect(lambda: writes.append(1))
    ctrl._tick()  # the timer's tick with nothing changed since the last write: no write
    assert writes == []
    window.session.set_param(1, 0.5)
    ctrl._tick()
    assert writes == [1]

    assert window.files.save_to(tmp_path / "saved.json")
    assert not ctrl.active
    assert not ctrl.file.exists() and not ctrl.meta_file.exists()


def test_the_autosave_holds_trained_weights(window, tmp_path):
    ctrl = controller(window, tmp_path)
    window.training.train_for(20)
    assert ctrl.write_now()
    proj = core_project.load(ctrl.file)
    assert proj.epoch == window.session.epoch == 20
    assert proj.network.params.tobytes() == window.session.net.params.tobytes()
    assert len(proj.history) == len(window.session.history)


@pytest.mark.parametrize("how", ["new", "open", "close"])
def test_deleted_when_the_work_is_discarded_or_replaced(window, tmp_path, how):
    other = tmp_path / "other.json"
    core_project.save(window.files.current_project(), other)
    ctrl = controller(window, tmp_path / "autosave")
    modified(window)
    assert ctrl.write_now()
    if how == "new":
        assert window.files.new_project()  # the fixture answers "Discard"
    elif how == "open":
        assert window.files.open_path(other)
    else:
        ctrl.shutdown()  # a clean close after "Discard": still modified
        assert window.session.modified
    assert not ctrl.file.exists() and not ctrl.meta_file.exists()
    assert list((tmp_path / "autosave").iterdir()) == []


def test_left_after_a_crash_offered_and_restored_bit_for_bit(window, tmp_path, monkeypatch):
    first = controller(window, tmp_path)
    params = modified(window)
    assert first.write_now()
    crash(first, monkeypatch)

    second = controller(window, tmp_path)
    assert second.pending() == first.file
    assert second.describe().startswith("Untitled, ")
    proj = second.restore()
    assert proj.network.params.tobytes() == params.tobytes()
    assert proj.network.initial_params.tobytes() == window.session.net.initial_params.tobytes()


def test_restore_as_the_window_does_it_keeps_the_file_until_written(window, tmp_path, monkeypatch):
    saved = tmp_path / "xor.json"
    assert window.files.save_to(saved)
    first = controller(window, tmp_path)
    params = modified(window)
    assert first.write_now()
    crash(first, monkeypatch)
    assert window.files.new_project()  # the next run starts Untitled
    assert first.file.exists()

    second = controller(window, tmp_path)
    info = second.pending_info()
    assert info is not None and info.source == saved.resolve()
    assert second.describe(now=info.written + 180) == "xor.json, 3 minutes ago"
    proj = second.restore()
    window.files.apply_project(proj, info.source.name, info.source)
    assert info.file.exists()  # shown but not yet written as ours: a crash now loses nothing
    second.finish_restore()
    assert window.session.modified
    assert window.session.path == saved.resolve()
    assert not info.file.exists()
    assert second.pending() is None
    assert np.array_equal(core_project.load(second.file).network.params, params)


def test_a_corrupt_autosave_is_reported_and_moved_aside(window, qtbot, tmp_path):
    bad = tmp_path / f"session-{os.getpid()}-0bad.json"
    bad.write_text('{"format": "mlpstudio-project", "network": [', encoding="utf-8")
    ctrl = controller(window, tmp_path)
    assert ctrl.pending() == bad
    with (
        qtbot.waitSignal(ctrl.failed, timeout=1000) as blocker,
        pytest.raises(core_project.ProjectError),
    ):
        ctrl.restore()
    assert "could not be restored" in blocker.args[0]
    assert not bad.exists()
    assert (tmp_path / (bad.name + ".corrupt")).exists()
    assert ctrl.pending() is None
    assert controller(window, tmp_path).pending() is None  # never offered again


def test_a_failure_to_write_is_reported_not_raised(window, tmp_path):
    # A file where the folder should be: writing fails even as root (which ignores modes).
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x", encoding="utf-8")
    ctrl = controller(window, blocked / "autosave", interval_ms=20)
    messages: list[str] = []
    ctrl.failed.connect(messages.append)
    modified(window)
    assert not ctrl.write_now()
    assert len(messages) == 1 and "Cannot autosave" in messages[0]
    window.session.set_param(1, 0.5)
    assert not ctrl.write_now()
    assert len(messages) == 1  # the same problem is said once, not every minute
    assert ctrl.active


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_a_read_only_folder_is_reported_not_raised(window, tmp_path):
    tmp_path.chmod(0o500)
    try:
        ctrl = controller(window, tmp_path)
        messages: list[str] = []
        ctrl.failed.connect(messages.append)
        modified(window)
        assert not ctrl.write_now()
        assert messages and "Cannot autosave" in messages[0]
    finally:
        tmp_path.chmod(0o700)


def test_a_running_window_s_autosave_is_not_taken(window, tmp_path):
    source = tmp_path / "p.json"
    core_project.save(window.files.current_project(), source)
    proc = other_process()
    try:
        theirs = tmp_path / f"session-{proc.pid}-abcd.json"
        shutil.copy(source, theirs)
        ctrl = controller(window, tmp_path)
        assert ctrl.pending() is None  # it runs: another window's work in progress
        modified(window)
        assert ctrl.write_now()
        window.files.save_to(tmp_path / "saved.json")
        ctrl.shutdown()
        assert theirs.exists()
    finally:
        proc.stdin.close()
        proc.wait()
    assert controller(window, tmp_path).pending() == theirs  # now it is gone: offered


def test_two_controllers_in_one_process_keep_to_their_own(window, tmp_path):
    first = controller(window, tmp_path)
    modified(window)
    assert first.write_now()
    second = controller(window, tmp_path)
    assert second.pending() is None
    second.shutdown()
    assert first.file.exists()


def test_discard_deletes_the_pending_autosave(window, tmp_path, monkeypatch):
    first = controller(window, tmp_path)
    modified(window)
    assert first.write_now()
    crash(first, monkeypatch)
    second = controller(window, tmp_path)
    assert second.pending() == first.file
    second.discard()
    assert not first.file.exists() and not first.meta_file.exists()
    assert second.pending() is None
    assert controller(window, tmp_path).pending() is None


def test_a_missing_or_broken_sidecar_still_describes_the_file(window, tmp_path, monkeypatch):
    first = controller(window, tmp_path)
    modified(window)
    assert first.write_now()
    first.meta_file.write_text("[1, 2", encoding="utf-8")
    crash(first, monkeypatch)
    ctrl = controller(window, tmp_path)
    assert ctrl.describe().startswith("Untitled, ")
    assert ctrl.restore() is not None


def test_ago_reads_like_a_person():
    assert ago(5) == "just now"
    assert ago(-30) == "just now"
    assert ago(60) == "1 minute ago"
    assert ago(3 * 60 + 5) == "3 minutes ago"
    assert ago(2 * 3600) == "2 hours ago"
    assert ago(3 * 86400) == "3 days ago"


def test_process_alive():
    assert autosave.process_alive(os.getpid())
    proc = other_process()
    assert autosave.process_alive(proc.pid)
    proc.stdin.close()
    proc.wait()
    assert not autosave.process_alive(proc.pid)
    assert not autosave.process_alive(0)


KILLED_APP = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mlpstudio.ui.main_window import MainWindow

w = MainWindow()
w.show()
w.training.train_for(7)
assert w.autosave.write_now()
sys.stdout.write(w.session.net.params.tobytes().hex())
sys.stdout.flush()
os._exit(9)  # killed: no close, no shutdown, the autosave stays
"""


def test_a_killed_app_offers_its_work_at_the_next_start(qtbot, monkeypatch):
    """A real process autosaves, is killed; the next window restores its work exactly."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox

    from mlpstudio.ui.main_window import MainWindow

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_APP], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 9, done.stderr
    params = bytes.fromhex(done.stdout.strip())

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    second.offer_restore()
    assert second.settle()
    assert second.session.net.params.tobytes() == params
    assert second.session.epoch == 7
    assert second.session.modified
    second.session.mark_modified(False)
    second.shutdown()
