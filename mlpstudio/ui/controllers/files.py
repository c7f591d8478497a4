"""The main window's files: new/open/save, CSV and project loading, export, recent files.

A mixin of :class:`~mlpstudio.ui.main_window.MainWindow`: it works on the window's state
(``raw``, ``dataset``, ``net``, ``history``, the panels) and never on the worker's live network.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mlpstudio.core import Network, TrainSettings, datasets
from mlpstudio.core import project as core_project

from ..views.csv_dialog import export_csv, import_csv
from ..views.panels import DataSpec, NetworkSpec

MAX_RECENT = 8
FILE_FILTER = "MLP Studio projects (*.json);;CSV data (*.csv);;All files (*)"


class ProjectFiles:
    """Opening, saving and exporting, for the main window."""

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self._set_title()

    def _set_title(self) -> None:
        name = self.project_path.name if self.project_path else "Untitled"
        self.setWindowTitle(f"{name}{' *' if self.dirty else ''} — MLP Studio")

    def maybe_save(self) -> bool:
        """Ask before unsaved work is lost; False means the user cancelled."""
        if not self.dirty:
            return True
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the current project first?", buttons
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open", self._last_dir(), FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a project (.json) or data (.csv); on error say why and keep everything."""
        path = Path(path)
        if not self.maybe_save():
            return False
        try:
            if path.suffix.lower() == ".csv":
                if not self._open_csv(path):
                    return False
            else:
                self._open_project(path)
        except (core_project.ProjectError, datasets.DataError, ValueError, OSError) as e:
            QMessageBox.critical(self, "Cannot open file", f"{path.name}:\n{e}")
            self.say(f"Could not open {path.name}.")
            return False
        self._add_recent(path)
        return True

    def _open_csv(self, path: Path) -> bool:
        """The import dialog: preview, two feature columns and the label; False if cancelled."""
        spec = self.data_panel.spec()
        answer = import_csv(
            self, path, spec.test_ratio, spec.seed, self.data_panel.standardise.isChecked()
        )
        if answer is None:
            return False
        ds, standardise = answer
        self.set_playing(False)
        self.raw = ds
        self.data_panel.standardise.blockSignals(True)
        self.data_panel.standardise.setChecked(standardise)
        self.data_panel.standardise.blockSignals(False)
        self.data_panel.set_source(f"From {path.name} ({', '.join(ds.feature_names)})")
        self._use_dataset(rebuild=True, editor="undoable")
        self.project_path = None
        self._set_dirty(True)
        self.say(f"Imported {path.name}: {ds.n_points} points, {ds.n_classes} classes.")
        return True

    def import_dialog(self) -> None:
        """File → Import CSV: choose a file, then the columns."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import points", self._last_dir(), "CSV data (*.csv);;All files (*)"
        )
        if path:
            self.open_path(path)

    def export_points(self) -> None:
        """File → Export points as CSV (features, label, train/test)."""
        if self.raw is not None and export_csv(self, self.raw, self._last_dir()) is not None:
            self.say("Exported the points as CSV.")

    def _open_project(self, path: Path) -> None:
        self._apply_project(core_project.load(path), path.name)
        self.project_path = path
        self._set_dirty(False)
        self.lesson = None

    def _apply_project(self, proj: core_project.Project, name: str) -> None:
        """Show a loaded project: panels, data, network, history (validated already)."""
        self.set_playing(False)
        net = proj.network
        hidden = list(zip(net.sizes[1:-1], net.activations[:-1], strict=True))
        self.network_panel.set_spec(
            NetworkSpec(
                hidden=hidden,
                output_activation=net.output_activation,
                loss=net.loss,
                single_output=net.n_outputs == 1,
                init=net.init,
                dtype=str(net.dtype),
            )
        )
        self.training_panel.set_settings(proj.settings.to_dict())
        self.cost_plot.set_target(proj.settings.target_cost)
        if proj.dataset is not None:
            self.raw = proj.dataset
            gen = proj.dataset.generator
            if gen:
                self.data_panel.set_spec(
                    DataSpec(
                        generator=gen.get("name", "xor"),
                        points=int(gen.get("points", 200)),
                        noise=float(gen.get("noise", 0.0)),
                        classes=int(gen.get("classes", 2)),
                        seed=int(gen.get("seed", 0)),
                        test_ratio=float(
                            gen.get("test_ratio", 1.0 - proj.dataset.train_mask.mean())
                        ),
                    )
                )
                self.data_panel.set_source("")
            else:
                self.data_panel.set_source(f"From {name}")
        else:
            self.raw = self._model_only_data(net)
            self.data_panel.set_source(f"{name} has no data: showing points labelled by the model")
        std = proj.standardisation if proj.dataset is not None else None
        self.data_panel.standardise.blockSignals(True)
        self.data_panel.standardise.setChecked(std is not None)
        self.data_panel.standardise.blockSignals(False)
        self.dataset = self.raw
        if std is not None:
            # The network was trained on standardised features: show it the same numbers.
            self.dataset = self.raw.copy()
            self.dataset.X = datasets.standardise(
                self.raw.X, np.asarray(std["mean"]), np.asarray(std["std"])
            )[0]
        self.standardisation = std
        self.editor.load(self.raw)
        std_pair = (std["mean"], std["std"]) if std is not None else (None, None)
        self.editor.set_transform(*std_pair)
        self.data_plot.set_dataset(self.dataset)
        self.network_view.set_plane(*self.data_plot.view_range())
        self._rebuild_network(net, proj.history, proj.epoch)
        self.say(f"Opened {name}: {net.describe()}, epoch {proj.epoch}.")

    @staticmethod
    def _model_only_data(net: Network) -> datasets.Dataset:
        """Placeholder points for a model shared without data (labels by its own prediction)."""
        ds = datasets.generate("xor-plane", 200, 0.0, 0)
        if net.n_inputs != 2:
            raise ValueError("a model without data needs 2 inputs to be shown in the plane")
        y = net.predict(ds.X)
        k = max(net.n_outputs, 2)
        return datasets.from_arrays(ds.X, y, [str(i) for i in range(k)])

    def current_project(self) -> core_project.Project:
        """The project as it stands (weights from the latest snapshot)."""
        assert self.net is not None
        settings = TrainSettings.from_dict(self.training_panel.settings())
        if self.snapshot is not None:
            epoch = self.snapshot.epoch
        else:
            epoch = self.history.epoch[-1] if self.history.epoch else 0
        return core_project.Project(
            network=self.net.copy(),
            dataset=self.raw,
            settings=settings,
            history=self.history.copy(),
            epoch=epoch,
            standardisation=self.standardisation,
        )

    def save(self) -> bool:
        if self.project_path is None:
            return self.save_as()
        return self.save_to(self.project_path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save project", self._last_dir(), "MLP Studio projects (*.json)"
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
            QMessageBox.critical(self, "Cannot save", f"{path}:\n{e}")
            return False
        self.project_path = Path(path)
        self._set_dirty(False)
        self._add_recent(self.project_path)
        self.say(f"Saved {self.project_path.name}.")
        return True

    def _export(self, title: str, widget) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, title, self._last_dir(), "PNG (*.png);;SVG (*.svg)"
        )
        if not path:
            return
        if not path.lower().endswith((".png", ".svg")):
            path += ".png"
        try:
            widget.export(path)
        except (OSError, ValueError) as e:
            QMessageBox.critical(self, "Cannot export", f"{path}:\n{e}")
            return
        self.say(f"Exported {Path(path).name}.")

    def export_boundary(self) -> None:
        self._export("Export decision boundary", self.data_plot)

    def export_cost(self) -> None:
        self._export("Export cost plot", self.cost_plot)

    def _last_dir(self) -> str:
        return str(self.project_path.parent) if self.project_path else str(Path.home())

    def recent_files(self) -> list[str]:
        value = self._settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        files = [str(path.resolve())] + [f for f in self.recent_files() if f != str(path.resolve())]
        self._settings.setValue("recent", files[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for f in files:
            act = self.recent_menu.addAction(Path(f).name)
            act.setToolTip(f)
            act.triggered.connect(lambda _=False, f=f: self.open_path(f))
        self.recent_menu.setEnabled(bool(files))
