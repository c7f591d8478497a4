"""The setup controller: commands that change what is trained — the data, the network's shape
and the training settings — coming from the panels and the point editor.

Commands that would throw work away (a new dataset, clearing the points, another architecture)
ask first through the files controller's one question; a refused command puts the session's
state back on the panel it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from mlpstudio.core import TrainingError, TrainSettings, datasets, optimizers, setup_text
from mlpstudio.core.specs import DataSpec, NetworkSpec

from ..session import Session, fit_scaling


class SetupController(QObject):
    """Data, architecture and settings commands on the session."""

    def __init__(
        self,
        session: Session,
        confirm_discard: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.confirm_discard = confirm_discard

    # ---- data ---------------------------------------------------------------------------------

    def change_data_spec(self, spec: DataSpec) -> bool:
        """Generate new points from the data panel's values (asks before losing work)."""
        s = self.session
        if spec == s.data_spec and not s.source:
            return True
        if not self.confirm_discard():
            s.dataChanged.emit()  # the panel shows the data kept
            return False
        try:
            raw = spec.generate()
        except (ValueError, datasets.DataError) as e:
            s.say(f"Cannot generate: {e}")
            s.dataChanged.emit()
            return False
        s.set_data(raw, spec=spec, source="", origin="replace")
        s.mark_modified()
        return True

    def set_standardise(self, on: bool) -> None:
        s = self.session
        if on != s.standardise:
            s.set_standardise(on)
            s.mark_modified()

    def points_edited(self, ds: datasets.Dataset) -> None:
        """Points drawn, moved, deleted or relabelled: trained on from now on."""
        s = self.session
        s.set_data(ds, source="Edited by hand", keep_scaling=True, origin="edit")
        s.mark_modified()

    def points_replaced(self, ds: datasets.Dataset) -> None:
        """An undo or redo in the editor swapped the whole data (an import or a regeneration)."""
        self.session.set_data(ds, origin="edit")
        self.session.mark_modified()

    def confirm_class_change(self, old: int, new: int) -> bool:
        """A new class count changes the network's output layer: that is a new architecture."""
        s = self.session
        if s.net is None or s.network_spec.sizes(2, new)[-1] == s.net.n_outputs:
            return True
        return self.confirm_discard()

    # ---- architecture -------------------------------------------------------------------------

    def change_architecture(self, spec: NetworkSpec) -> bool:
        """A new shape from the network panel: new initial weights (asks before losing work)."""
        s = self.session
        if not self.confirm_discard():
            return False  # the caller puts the panel back; the network and epoch stay
        ds = s.dataset
        try:
            net = spec.build(ds.n_features, ds.n_classes, seed=s.settings.seed)
        except ValueError:
            net = None  # build_network below says why and keeps the network in use
        # The optimiser table knows which networks each rule can train (the perceptron rule:
        # one layer of step units); a shape it cannot train falls back to gradient descent.
        reason = optimizers.get(s.settings.optimizer).check(net) if net is not None else None
        if reason:
            s.update_settings(optimizer="gd")
            s.say(f"{reason[:1].upper()}{reason[1:]}: switched to gradient descent.")
        if not s.build_network(spec, net):
            return False
        s.mark_modified()
        return True

    # ---- settings -------------------------------------------------------------------------

    def change_settings(self, values: dict) -> bool:
        """New training settings from the panel; they act at once, without a reset."""
        s = self.session
        try:
            settings = TrainSettings.from_dict({**s.settings.to_dict(), **values}).validate()
        except TrainingError as e:
            s.say(str(e))
            s.settingsChanged.emit()
            return False
        reason = optimizers.get(settings.optimizer).check(s.net) if s.net is not None else None
        if reason:
            s.say(f"{reason[:1].upper()}{reason[1:]}.")
            s.settingsChanged.emit()
            return False
        if settings != s.settings:
            s.set_settings(settings)
            s.mark_modified()
        return True

    def set_speed(self, speed: float | None) -> None:
        """Epochs per second (None: as fast as possible); a view setting, not saved work."""
        self.session.set_speed(speed)

    def set_step_unit(self, unit: str) -> None:
        self.session.set_step_unit(unit)

    # ---- a set-up in one line -------------------------------------------------------------

    def setup_text(self) -> str:
        """The session's data generator, architecture and settings as one shareable line."""
        s = self.session
        return setup_text.to_text(
            setup_text.Setup(s.data_spec, s.network_spec, s.settings, s.standardise)
        )

    def copy_setup(self) -> str:
        """Edit → Copy set-up: the line goes to the clipboard."""
        text = self.setup_text()
        QGuiApplication.clipboard().setText(text)
        hand_made = (
            " (generated data only: your own points are not in it)" if self.session.source else ""
        )
        self.session.say(f"Copied the set-up{hand_made}: paste it to recreate this run.")
        return text

    def paste_setup(self) -> bool:
        """Edit → Paste set-up: the clipboard's line becomes the run."""
        return self.apply_setup(QGuiApplication.clipboard().text())

    def apply_setup(self, text: str, ask: bool = True) -> bool:
        """Recreate a run from a set-up line (asks before losing work); False when refused."""
        s = self.session
        try:
            setup = setup_text.from_text(text.strip())
        except setup_text.SetupError as e:
            s.say(f"Not a set-up: {e}")
            return False
        if ask and not self.confirm_discard():
            return False
        raw = setup.data.generate()
        s.load(
            raw,
            data_spec=setup.data,
            source="",
            scaling=fit_scaling(raw) if setup.standardise else None,
            network_spec=setup.network,
            net=None,
            history=None,
            epoch=0,
            settings=setup.settings,
            path=None,
        )
        s.say("Set-up pasted: the same points and initial weights. Space trains.")
        return True
