"""The files controller: New, open, save, import, export and recent files.

It holds the one function that asks before unsaved work would be lost (:meth:`confirm_discard`);
every command that would throw work away goes through it, and no other asks. A project is checked
whole before anything changes (:meth:`apply_project`), then given to the session at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mlpstudio.core import Network, datasets, export
from mlpstudio.core import project as core_project
from mlpstudio.core.specs import DataSpec, NetworkSpec
from mlpstudio.resources_path import is_shipped

from ..session import Session, default_settings
from ..views.csv_dialog import export_csv, import_csv

MAX_RECENT = 8
FILE_FILTER = "MLP Studio projects (*.json);;CSV data (*.csv);;All files (*)"
OPEN_ERRORS = (core_project.ProjectError, datasets.DataError, ValueError, OSError)
# File → Export → model: kind -> (dialog title, filter, suffix, writer, what the status bar says)
MODEL_EXPORTS: dict[str, tuple[str, str, str, Callable[..., None], str]] = {
    "onnx": ("Export ONNX model", "ONNX models (*.onnx)", ".onnx", export.write_onnx, "ONNX model"),
    "python": (
        "Export Python script",
        "Python scripts (*.py)",
        ".py",
        export.write_python,
        "Python script (needs numpy only)",
    ),
    "npz": ("Export weights", "NumPy arrays (*.npz)", ".npz", export.write_npz, "weights"),
}


class FilesController(QObject):
    """File commands on the session; ``parent`` is the window dialogs belong to."""

    recentChanged = Signal()

    def __init__(
        self,
        session: Session,
        parent: QWidget,
        settings: QSettings,
        pause: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.window = parent
        self.settings = settings
        self.pause = pause
        self.headless = False  # rendering without a screen: errors go to stderr, not a box

    # ---- the one question ------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Ask once before unsaved work is lost: True to go on (saved or discarded)."""
        if not self.session.modified:
            return True
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self.window, "Unsaved changes", "Save the current project first?", buttons
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def report(self, title: str, text: str) -> None:
        """An error the user must see: a message box, or stderr when no one can close one."""
        if self.headless:
            print(f"mlpstudio: error: {title.lower()}: {' '.join(text.split())}", file=sys.stderr)
        else:
            QMessageBox.critical(self.window, title, text)

    # ---- new and open ------------------------------------------------------------------------

    def new_project(self, ask: bool = True) -> bool:
        """XOR and a 2-4-1 sigmoid network, ready to train."""
        if ask and not self.confirm_discard():
            return False
        self.pause()
        spec = DataSpec()
        self.session.load(
            spec.generate(),
            data_spec=spec,
            source="",
            scaling=None,
            network_spec=NetworkSpec(),
            net=None,
            history=None,
            epoch=0,
            settings=default_settings(),
            path=None,
        )
        self.session.say("Space: train. Click a point to follow it through the network.")
        return True

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open", self.last_dir(), FILE_FILTER)
        if path:
            self.open_path(path)

    def import_dialog(self) -> None:
        """File → Import CSV: choose a file, then the columns."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import points", self.last_dir(), "CSV data (*.csv);;All files (*)"
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a project (.json) or data (.csv); on error say why and keep everything."""
        path = Path(path)
        if not self.confirm_discard():
            return False
        try:
            if path.suffix.lower() == ".csv":
                if not self._open_csv(path):
                    return False
            else:
                # A shipped example opens as a copy: Save asks for a new name.
                keep_path = None if is_shipped(path) else path
                self.apply_project(core_project.load(path), path.name, keep_path)
        except OPEN_ERRORS as e:
            self.report("Cannot open file", f"{path.name}:\n{e}")
            self.session.say(f"Could not open {path.name}.")
            return False
        self.add_recent(path)
        return True

    def _open_csv(self, path: Path) -> bool:
        """The import dialog: preview, feature columns and the label; False if cancelled."""
        s = self.session
        answer = import_csv(
            self.window, path, s.data_spec.test_ratio, s.data_spec.seed, s.standardise
        )
        if answer is None:
            return False
        ds, standardise = answer
        self.pause()
        names = ", ".join(ds.feature_names)
        s.set_data(ds, source=f"From {path.name} ({names})", standardise=standardise)
        s.set_path(None)
        s.mark_modified()
        s.say(f"Imported {path.name}: {ds.n_points} points, {ds.n_classes} classes.")
        return True

    def apply_project(
        self,
        proj: core_project.Project,
        name: str,
        path: Path | None = None,
        lesson=None,
        variant: str = "",
    ) -> None:
        """Show a loaded project: checked whole first, so a refusal changes nothing."""
        if proj.task != "classification":
            # Until the app has its regression views (issue #14), a fit of real targets has
            # nothing to show it: refused before anything changes.
            raise ValueError(
                f"{name} is a {proj.task} project: the app shows classification only for now; "
                "use mlpstudio train/predict/info"
            )
        net = proj.network
        if proj.dataset is not None:
            raw = proj.dataset
            spec = DataSpec.from_dataset(raw)
            source = "" if spec is not None else f"From {name}"
            scaling = proj.standardisation
        else:
            raw = model_only_data(net)
            spec = None
            source = f"{name} has no data: showing points labelled by the model"
            scaling = None
        if raw.n_features != net.n_inputs:
            raise ValueError(
                f"the network has {net.n_inputs} inputs but the data has {raw.n_features} features"
            )
        if raw.n_features != 2:
            raise ValueError(
                f"the data has {raw.n_features} features; the app shows data with 2 "
                "(use mlpstudio train/predict/info for this project)"
            )
        settings = proj.settings.validate()
        self.pause()
        self.session.load(
            raw,
            data_spec=spec or self.session.data_spec,
            source=source,
            scaling=scaling,
            network_spec=NetworkSpec.of(net),
            net=net,
            history=proj.history,
            epoch=proj.epoch,
            settings=settings,
            path=path,
            lesson=lesson,
            variant=variant,
            view=proj.view,
        )
        self.session.say(f"Opened {name}: {net.describe()}, epoch {proj.epoch}.")

    # ---- save ---------------------------------------------------------------------------------

    def current_project(self) -> core_project.Project:
        """The project as it stands (weights from the latest snapshot)."""
        s = self.session
        assert s.net is not None
        return core_project.Project(
            network=s.net.copy(),
            dataset=s.raw,
            settings=s.settings,
            history=s.history.copy(),
            epoch=s.epoch,
            standardisation=s.scaling,
            view=s.view_state(),
        )

    def save(self) -> bool:
        if self.session.path is None:
            return self.save_as()
        return self.save_to(self.session.path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save project", self.last_dir(), "MLP Studio projects (*.json)"
        )
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            core_project.save(self.current_project(), path)
        except (OSError, ValueError) as e:
            self.report("Cannot save", f"{path}:\n{e}")
            return False
        s = self.session
        s.set_path(Path(path))
        s.mark_modified(False)
        self.add_recent(Path(path))
        s.say(f"Saved {Path(path).name}.")
        return True

    # ---- export -------------------------------------------------------------------------------

    def export_points(self) -> None:
        """File → Export points as CSV (features, label, train/test)."""
        if export_csv(self.window, self.session.raw, self.last_dir()) is not None:
            self.session.say("Exported the points as CSV.")

    def export_plot(self, title: str, export: Callable[[str], None]) -> None:
        """Save a plot as PNG or SVG through its own ``export(path)``."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, title, self.last_dir(), "PNG (*.png);;SVG (*.svg)"
        )
        if not path:
            return
        if not path.lower().endswith((".png", ".svg")):
            path += ".png"
        try:
            export(path)
        except (OSError, ValueError) as e:
            self.report("Cannot export", f"{path}:\n{e}")
            return
        self.session.say(f"Exported {Path(path).name}.")

    def export_model(self, kind: str) -> bool:
        """File → Export → ONNX model, Python script or weights (.npz), as ``mlpstudio export``.

        The dialog starts in the folder of the last model export and asks before replacing the
        file it shows; a name completed with the suffix here never replaces a file unasked. The
        write is atomic (``core/export``), so a failed export leaves any old file as it was.
        """
        title, file_filter, suffix, write, what = MODEL_EXPORTS[kind]
        s = self.session
        if s.net is None:
            self.report("Cannot export", "there is no network to export")
            return False
        folder = Path(str(self.settings.value("export_dir", "") or self.last_dir()))
        stem = s.path.stem if s.path is not None else "model"
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, title, str(folder / f"{stem}{suffix}"), file_filter
        )
        if not chosen:
            return False
        path = Path(chosen if chosen.lower().endswith(suffix) else chosen + suffix)
        # The dialog has asked about ``chosen`` if it existed; a completed name it never saw
        # is written only if nothing is there.
        replace = path == Path(chosen)
        try:
            write(self.current_project(), path, overwrite=replace)
        except (export.ExportError, OSError) as e:
            self.report("Cannot export", f"{path}:\n{e}")
            return False
        self.settings.setValue("export_dir", str(path.parent))
        s.say(f"Exported the {what} to {path.name}.")
        return True

    # ---- recent files -----------------------------------------------------------------------

    def last_dir(self) -> str:
        path = self.session.path
        return str(path.parent) if path else str(Path.home())

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: Path) -> None:
        full = str(path.resolve())
        files = [full] + [f for f in self.recent_files() if f != full]
        self.settings.setValue("recent", files[:MAX_RECENT])
        self.recentChanged.emit()


def model_only_data(net: Network) -> datasets.Dataset:
    """Placeholder points for a model shared without data (labels by its own prediction)."""
    if net.n_inputs != 2:
        raise ValueError("a model without data needs 2 inputs to be shown in the plane")
    ds = datasets.generate("xor-plane", 200, 0.0, 0)
    y = net.predict(ds.X)
    k = max(net.n_outputs, 2)
    return datasets.from_arrays(ds.X, y, [str(i) for i in range(k)])
