"""The back-propagation inspector: one training step, stage by stage, with the lecture's formulas.

Three tabs share one problem (a copy of the network, the selected point or batch, its targets
and η), all computed by :class:`~mlpstudio.core.stepper.BackpropStepper`:

- **Step through** (:mod:`.step_tab`): ← / → walk the stages; each asks the diagram to highlight
  its units and edges and shows the worked formula, numbers substituted, for a chosen unit or
  weight. *Apply step* writes the update and emits the new parameters.
- **Gradient check** (:mod:`.check_tab`): back-propagation against central differences, every
  parameter, worst first.
- **Quiz me** (:mod:`.quiz_tab`): asks for a value, checks the typed answer, then shows the
  worked formula; and the lecture's exercise ``∂E_x/∂b_j^(l) = δ_j^(l)``, confirmed numerically.

:mod:`.widget` composes them; :mod:`.formula` typesets the notation's markup. The widgets do no
network arithmetic and spell no formula: numbers come from the stepper (the engine), texts from
:mod:`mlpstudio.core.notation`.
"""

from .widget import Inspector

__all__ = ["Inspector"]
