"""The lecture's notation: every parameter name and formula text of the app, spelt once.

Texts are markup: ``_{…}`` is a subscript, ``^{…}`` a superscript (never nested), everything
else is literal, e.g. ``δ_{1}^{(2)}``. :func:`plain` gives the lecture's plain text
(``δ_1^(2)``, for tooltips, the CLI and tests); the inspector typesets the markup as HTML or
Unicode. No other module writes a formula: they call the builders here.

Indices. A layer ``l`` is the lecture's number (1 = input … L = output); units ``j``, ``k`` are
0-based as in code and shown 1-based as in the lecture. A ``str`` is a symbol written as given
(``"j"``, ``"l"``) and ``None`` leaves the index out. So ``w_name(2, 0, 1)`` is ``w_{12}^{(2)}``,
the weight from unit 2 of layer 1 to unit 1 of layer 2; ``w_name("l", "j", "k")`` is
``w_{jk}^{(l)}``; ``z_name(3, None)`` is the layer's vector ``z^{(3)}``.

Formulas come in three forms from the same builders: general (symbols, as the CLI prints them),
concrete (ints, the stepper's worked formulas) and *unit-local* (``local=True``: the diagram's
tooltip about one unit, whose own ``z``, ``a``, ``δ``, ``y`` are bare and whose layer is left
out, e.g. ``δ = (Σ_k δ_k w_kj) g'(z)``). As in the lecture, the output layer's activations in
``E_x`` and ``δ^(L)`` are written ``a_j`` for ``a_j^(L)``. The ``*_numbers`` functions write the
same formulas with numbers substituted (:mod:`~mlpstudio.core.numformat` prints the numbers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .numformat import factor, more, num, product_sum, value_sum

if TYPE_CHECKING:
    from .network import Network

Index = int | str | None

# ---- markup ------------------------------------------------------------------------------------

_MARKUP = re.compile(r"([_^])\{([^{}]*)\}")


def plain(markup: str) -> str:
    """Plain text of markup: ``δ_{1}^{(2)}`` → ``δ_1^(2)``, ``e^{−z}`` → ``e^(−z)``.

    A superscript of several characters is bracketed so the plain text stays unambiguous.
    """

    def piece(m: re.Match) -> str:
        mark, body = m.groups()
        if mark == "^" and len(body) > 1 and not (body[0] == "(" and body[-1] == ")"):
            body = f"({body})"
        return mark + body

    return _MARKUP.sub(piece, markup)


# ---- names -------------------------------------------------------------------------------------


def _sub(*ix: Index) -> str:
    """``_{12}`` for (0, 1); ``_{10,2}`` once an index has two digits; ``""`` for no index."""
    parts = [str(i + 1) if isinstance(i, int) else i for i in ix if i is not None]
    if not parts:
        return ""
    sep = "," if len(parts) > 1 and any(len(p) > 1 for p in parts) else ""
    return f"_{{{sep.join(parts)}}}"


def _sup(l: Index) -> str:
    return "" if l is None else f"^{{({l})}}"


def prev_layer(l: Index) -> Index:
    """``l − 1`` as a number, a symbol (``l−1``) or ``None``."""
    if l is None:
        return None
    return l - 1 if isinstance(l, int) else f"{l}−1"


def next_layer(l: Index) -> Index:
    """``l + 1`` as a number, a symbol (``l+1``) or ``None``."""
    if l is None:
        return None
    return l + 1 if isinstance(l, int) else f"{l}+1"


def w_name(l: Index, j: Index, k: Index) -> str:
    """``w_{jk}^{(l)}``: the weight from unit k of layer l−1 to unit j of layer l."""
    return f"w{_sub(j, k)}{_sup(l)}"


def b_name(l: Index, j: Index) -> str:
    """``b_{j}^{(l)}``: the bias of unit j of layer l."""
    return f"b{_sub(j)}{_sup(l)}"


def z_name(l: Index, j: Index) -> str:
    """``z_{j}^{(l)}``: the weighted input of unit j of layer l."""
    return f"z{_sub(j)}{_sup(l)}"


def a_name(l: Index, j: Index) -> str:
    """``a_{j}^{(l)}``; the input layer's activations are the point itself, ``x_{j}``."""
    return f"x{_sub(j)}" if l == 1 else f"a{_sub(j)}{_sup(l)}"


def feature_name(key: str) -> str:
    """A derived input's name as markup, e.g. ``x_{1}^{2}`` for ``x1^2`` (see ``core.features``).

    The keys are the project file's spelling: ``x1``, ``x2``, ``x1^2``, ``x2^2``, ``x1*x2``,
    ``sin(x1)``, ``sin(x2)``.
    """
    x1, x2 = a_name(1, 0), a_name(1, 1)
    names = {
        "x1": x1,
        "x2": x2,
        "x1^2": f"{x1}^{{2}}",
        "x2^2": f"{x2}^{{2}}",
        "x1*x2": f"{x1}{x2}",
        "sin(x1)": f"sin {x1}",
        "sin(x2)": f"sin {x2}",
    }
    if key not in names:
        raise KeyError(key)
    return names[key]


def input_name(features: Sequence[str] | None, k: int) -> str:
    """Input unit ``k``'s name: ``x_{k}``, or its derived feature's (``x_{1}x_{2}``)."""
    return a_name(1, k) if features is None else feature_name(features[k])


def unit_name(l: Index, j: Index, features: Sequence[str] | None = None) -> str:
    """``a_{j}^{(l)}``, with the input layer's units named by their features when it has them."""
    if l == 1 and isinstance(j, int) and features is not None:
        return feature_name(features[j])
    return a_name(l, j)


def delta_name(l: Index, j: Index) -> str:
    """``δ_{j}^{(l)} = ∂E_x/∂z_j^(l)``: the error signal of unit j of layer l."""
    return f"δ{_sub(j)}{_sup(l)}"


def y_name(j: Index) -> str:
    """``y_{j}``: component j of the target."""
    return f"y{_sub(j)}"


def error_name(x: str | None = "x") -> str:
    """``E_{x}`` (the error on one point; ``x1`` for the first of a batch) or ``E`` (the cost)."""
    return f"E{_sub(x)}"


def partial(of: str, by: str) -> str:
    """``∂of/∂by``."""
    return f"∂{of}/∂{by}"


def dE(name: str, x: str | None = "x") -> str:
    """``∂E_{x}/∂name`` (one point) or, with ``x=None``, ``∂E/∂name`` (the cost)."""
    return partial(error_name(x), name)


def param_label(net: Network, index: int) -> str:
    """Markup name of ``net.params[index]``, e.g. ``w_{12}^{(3)}`` or ``b_{1}^{(2)}``."""
    sizes = net.sizes
    pos = 0
    for i in range(len(sizes) - 1):
        r, c = sizes[i + 1], sizes[i]
        if index < pos + r * c:
            j, k = divmod(index - pos, c)
            return w_name(i + 2, j, k)
        pos += r * c
    for i, n in enumerate(sizes[1:]):
        if index < pos + n:
            return b_name(i + 2, index - pos)
        pos += n
    raise IndexError(index)


def param_text(net: Network, index: int) -> str:
    """Plain-text name of ``net.params[index]``, e.g. ``w_12^(3)``."""
    return plain(param_label(net, index))


def _own(symbol: str, l: Index, j: Index, local: bool) -> str:
    # The unit-local form names the unit's own quantities bare: z, a, δ, y.
    if local:
        return symbol
    if symbol == "y":
        return y_name(j)
    return {"z": z_name, "a": a_name, "δ": delta_name}[symbol](l, j)


# ---- activations g and g' ----------------------------------------------------------------------

G_PRIME = "g'"
_G = {
    "linear": "z",
    "step": "1 if z ≥ 0 else 0",
    "sigmoid": "1 / (1 + e^{−z})",
    "tanh": "tanh z",
    "relu": "max(0, z)",
}


def g_of(z: str) -> str:
    return f"g({z})"


def g_prime_of(z: str) -> str:
    return f"{G_PRIME}({z})"


def softmax(l: Index = None, j: Index = "j") -> str:
    """``exp(z_{j}) / Σ_{c} exp(z_{c})``: the softmax output of unit j."""
    return f"exp({z_name(l, j)}) / Σ_{{c}} exp({z_name(l, 'c')})"


def activation_rule(name: str) -> str:
    """``g(z) = …`` of an activation (softmax: ``a_{j} = …``, it couples the units)."""
    if name == "softmax":
        return f"{a_name(None, 'j')} = {softmax()}"
    return f"{g_of('z')} = {_G[name]}"


def unit_activation_rule(name: str) -> str:
    """The unit-local ``a = …`` of an activation (softmax: ``a_{j} = …``)."""
    if name == "softmax":
        return activation_rule(name)
    return f"a = {_G[name]}"


def _square(a: str) -> str:
    return f"{a}²" if len(a) == 1 else f"({a})²"


def g_prime_text(name: str, z: str = "z", a: str = "a") -> str:
    """The right-hand side of ``g'(z)``; softmax: the diagonal of its Jacobian, ``a (1 − a)``."""
    return {
        "linear": "1",
        "step": "0",
        "sigmoid": f"{a} (1 − {a})",
        "softmax": f"{a} (1 − {a})",
        "tanh": f"1 − {_square(a)}",
        "relu": f"1 if {z} > 0 else 0",
    }[name]


def g_prime_lhs(name: str, z: str = "z", a: str = "a") -> str:
    """``g'(z)``, or ``∂a/∂z`` for softmax (it has no elementwise derivative)."""
    return partial(a, z) if name == "softmax" else g_prime_of(z)


def derivative_rule(name: str, z: str = "z", a: str = "a") -> str:
    """``g'(z) = a (1 − a)`` and so on; softmax: its whole Jacobian."""
    if name == "softmax":
        return f"{partial(a_name(None, 'j'), z_name(None, 'i'))} = a_{{j}} (1[i = j] − a_{{i}})"
    return f"{g_prime_of(z)} = {g_prime_text(name, z, a)}"


def g_numbers(name: str, z: float, digits: int = 3) -> str:
    """``g`` of a number as a student would key it in: ``1 / (1 + e^{−0.5})``."""
    n = num(z, digits)
    return {
        "sigmoid": f"1 / (1 + e^{{{num(-z, digits)}}})",
        "tanh": f"tanh({n})",
        "relu": f"max(0, {n})",
        "step": f"step({n})",
        "linear": n,
    }[name]


def softmax_numbers(zs: Sequence[float], j: int, digits: int = 3, max_terms: int = 5) -> str:
    """``exp(0.3) / (exp(0.3) + exp(−0.2))``."""
    shown = [f"exp({num(float(z), digits)})" for z in zs]
    if len(shown) > max_terms:
        shown = [*shown[: max_terms - 1], more(len(shown), max_terms - 1)]
    return f"exp({num(float(zs[j]), digits)}) / ({' + '.join(shown)})"


def g_prime_worked(
    name: str, z: str, a: str, z_value: float, a_value: float, result: float, digits: int = 3
) -> str:
    """``g'(z) = a (1 − a) = 0.6·(1 − 0.6) = 0.24``: the derivative worked out."""
    lhs, r = g_prime_lhs(name, z, a), num(result, digits)
    av = factor(a_value, digits)
    if name in ("sigmoid", "softmax"):
        return f"{lhs} = {g_prime_text(name, z, a)} = {av}·(1 − {av}) = {r}"
    if name == "tanh":
        return f"{lhs} = {g_prime_text(name, z, a)} = 1 − {av}² = {r}"
    if name == "relu":
        cmp = ">" if z_value > 0 else "≤"
        return f"{lhs} = {r} since {z} = {num(z_value, digits)} {cmp} 0"
    if name == "step":
        return f"{lhs} = 0: the step is flat, so no error signal gets through"
    return f"{lhs} = 1 (linear)"


# ---- the forward pass --------------------------------------------------------------------------


def z_sum(l: Index = "l", j: Index = "j", local: bool = False) -> str:
    """``Σ_{k} w_{jk}^{(l)} a_{k}^{(l−1)} + b_{j}^{(l)}`` (local: ``Σ_k w_jk a_k + b``)."""
    l = None if local else l
    b = "b" if local else b_name(l, j)
    return f"Σ_{{k}} {w_name(l, j, 'k')} {a_name(prev_layer(l), 'k')} + {b}"


def z_rule(l: Index = "l", j: Index = "j", local: bool = False) -> str:
    """``z_{j}^{(l)} = Σ_{k} w_{jk}^{(l)} a_{k}^{(l−1)} + b_{j}^{(l)}``."""
    return f"{_own('z', l, j, local)} = {z_sum(l, j, local)}"


def z_vector_rule(l: Index = "l") -> str:
    """``z^{(l)} = W^{(l)} a^{(l−1)} + b^{(l)}``: one matrix product per layer."""
    return f"{z_name(l, None)} = W{_sup(l)} {a_name(prev_layer(l), None)} + {b_name(l, None)}"


def a_rule(l: Index = "l", j: Index = "j") -> str:
    """``a_{j}^{(l)} = g(z_{j}^{(l)})``."""
    return f"{a_name(l, j)} = {g_of(z_name(l, j))}"


def z_numbers(
    weights: Sequence[float],
    inputs: Sequence[float],
    bias: float,
    digits: int = 3,
    max_terms: int = 5,
) -> str:
    """The sum of :func:`z_sum` with numbers: ``0.5·1 − 0.3·0 + 0.1``."""
    terms = [(float(w), float(a)) for w, a in zip(weights, inputs, strict=True)]
    return product_sum(terms, float(bias), digits, max_terms)


# ---- the error and the error signals -----------------------------------------------------------


def error_sum(loss: str, activation: str) -> str:
    """``E_x`` of one point: ``Σ_{c} (a_{c} − y_{c})²`` or the cross-entropy of the pairing."""
    a, y = a_name(None, "c"), y_name("c")
    if loss == "squared_error":
        return f"Σ_{{c}} ({a} − {y})²"
    if activation == "softmax":
        return f"−Σ_{{c}} {y} ln {a}"
    return f"−Σ_{{c}} ({y} ln {a} + (1 − {y}) ln(1 − {a}))"


def error_rule(loss: str, activation: str) -> str:
    """``E_{x} = Σ_{c} (a_{c} − y_{c})²`` and so on."""
    return f"{error_name()} = {error_sum(loss, activation)}"


def loss_rule(loss: str) -> str:
    """A loss over every output it pairs with (cross-entropy: softmax or sigmoid)."""
    if loss == "squared_error":
        return error_rule(loss, "sigmoid")
    return (
        f"{error_rule(loss, 'softmax')} (softmax) or {error_sum(loss, 'sigmoid')} (sigmoid, "
        "per unit)"
    )


def cost_mean_sum() -> str:
    """``(1/n) Σ_{x} E_{x}``: the cost is the mean error over the points."""
    return f"(1/n) Σ_{{x}} {error_name()}"


def cost_mean() -> str:
    """``E = (1/n) Σ_{x} E_{x}``."""
    return f"{error_name(None)} = {cost_mean_sum()}"


def error_numbers(
    loss: str,
    activation: str,
    a: Sequence[float],
    y: Sequence[float],
    digits: int = 3,
    max_terms: int = 5,
) -> str:
    """:func:`error_sum` with the numbers of one point."""
    n = len(a)
    if loss == "squared_error":
        terms = [f"({num(a[c], digits)} − {factor(y[c], digits)})²" for c in range(n)]
    elif activation == "softmax":
        terms = [f"{num(y[c], digits)}·ln({num(a[c], digits)})" for c in range(n)]
    else:
        terms = [
            f"{num(y[c], digits)}·ln({num(a[c], digits)}) + "
            f"{num(1 - y[c], digits)}·ln(1 − {num(a[c], digits)})"
            for c in range(n)
        ]
    if n > max_terms:
        terms = [*terms[: max_terms - 1], more(n, max_terms - 1)]
    text = " + ".join(terms)
    return text if loss == "squared_error" else f"−({text})"


def delta_definition(l: Index = "l", j: Index = "j") -> str:
    """``δ_{j}^{(l)} = ∂E_{x}/∂z_{j}^{(l)}``."""
    return f"{delta_name(l, j)} = {dE(z_name(l, j))}"


def output_delta(
    loss: str, activation: str, l: Index = "L", j: Index = "j", local: bool = False
) -> str:
    """``δ_j^(L)``: ``2 (a_j − y_j) g'(z_j^(L))``, ``a_j − y_j`` (cross-entropy) or softmax's.

    The lecture's slide writes ``2 (y_j − a_j)``; that sign is a typo (gradient descent would
    climb), so it is ``a − y`` here.
    """
    a = _own("a", None, j, local)
    y = _own("y", None, j, local)
    if loss == "cross_entropy":
        return f"{a} − {y}"
    if activation == "softmax":
        e = "e" if local else f"e{_sub(j)}"
        return f"{a} ({e} − Σ_{{c}} e_{{c}} {a_name(None, 'c')})"
    return f"2 ({a} − {y}) {g_prime_of(_own('z', l, j, local))}"


def output_delta_note(loss: str, activation: str) -> str:
    """Why an output δ looks the way it does, or ``""`` for the lecture's own pairing."""
    if loss == "cross_entropy":
        rule = output_delta(loss, activation, local=True)
        return f"with cross-entropy the ln cancels {G_PRIME}: δ = {rule}"
    if activation == "softmax":
        return f"softmax couples the outputs: e_{{c}} = 2 ({a_name(None, 'c')} − {y_name('c')})"
    return ""


def output_delta_numbers(
    loss: str,
    activation: str,
    a: Sequence[float],
    y: Sequence[float],
    j: int,
    g_prime: float,
    digits: int = 3,
    max_terms: int = 5,
) -> str:
    """:func:`output_delta` of unit ``j`` with the numbers of one point (``a``, ``y``: vectors)."""
    aj, yj = num(a[j], digits), factor(y[j], digits)
    if loss == "cross_entropy":
        return f"{aj} − {yj}"
    if activation == "softmax":
        e = [2.0 * (float(ac) - float(yc)) for ac, yc in zip(a, y, strict=True)]
        terms = [(e[c], float(a[c])) for c in range(len(a))]
        inner = product_sum(terms, None, digits, max_terms)
        return f"{factor(a[j], digits)}·({factor(e[j], digits)} − ({inner}))"
    return f"2·({aj} − {yj})·{factor(g_prime, digits)}"


def hidden_delta(l: Index = "l", j: Index = "j", local: bool = False) -> str:
    """``(Σ_{k} δ_{k}^{(l+1)} w_{kj}^{(l+1)}) g'(z_{j}^{(l)})``: δ sent back along the weights."""
    n = None if local else next_layer(l)
    z = _own("z", l, j, local)
    return f"(Σ_{{k}} {delta_name(n, 'k')} {w_name(n, 'k', j)}) {g_prime_of(z)}"


def hidden_delta_numbers(
    next_deltas: Sequence[float],
    weights: Sequence[float],
    g_prime: float,
    digits: int = 3,
    max_terms: int = 5,
) -> str:
    """:func:`hidden_delta` with numbers: ``(0.12·0.8 − 0.05·1.1)·0.21``."""
    terms = [(float(d), float(w)) for d, w in zip(next_deltas, weights, strict=True)]
    return f"({product_sum(terms, None, digits, max_terms)})·{factor(g_prime, digits)}"


def delta_rule(
    loss: str, activation: str, output: bool, l: Index = "l", local: bool = False
) -> str:
    """``δ = …`` of a unit: the output rule or the back-propagated one."""
    rhs = output_delta(loss, activation, l, "j", local) if output else hidden_delta(l, "j", local)
    return f"{_own('δ', l, 'j', local)} = {rhs}"


# ---- gradients and the update ------------------------------------------------------------------


def weight_gradient_product(l: Index = "l", j: Index = "j", k: Index = "k") -> str:
    """``δ_{j}^{(l)} a_{k}^{(l−1)}``: the δ at a weight's end times the activation at its start."""
    return f"{delta_name(l, j)} {a_name(prev_layer(l), k)}"


def weight_gradient(l: Index = "l", j: Index = "j", k: Index = "k", x: str | None = "x") -> str:
    """``∂E_{x}/∂w_{jk}^{(l)} = δ_{j}^{(l)} a_{k}^{(l−1)}``."""
    return f"{dE(w_name(l, j, k), x)} = {weight_gradient_product(l, j, k)}"


def bias_gradient(l: Index = "l", j: Index = "j", x: str | None = "x") -> str:
    """``∂E_{x}/∂b_{j}^{(l)} = δ_{j}^{(l)}``."""
    return f"{dE(b_name(l, j), x)} = {delta_name(l, j)}"


def bias_reason(l: Index = "l", j: Index = "j") -> str:
    """Why a bias's gradient is its unit's δ: ``since ∂z/∂b = 1``."""
    return f"since {partial(z_name(l, j), b_name(l, j))} = 1"


def bias_proof() -> str:
    """The lecture's exercise ``∂E_x/∂b_j^(l) = δ_j^(l)``, worked by the chain rule."""
    z, b, d, e = z_name("l", "j"), b_name("l", "j"), delta_name("l", "j"), error_name()
    return (
        f"{z_rule()}, so {partial(z, b)} = 1, and {b} reaches {e} only through {z}. "
        f"By the chain rule: {dE(b)} = {dE(z)} · {partial(z, b)} = {d} · 1 = {d}."
    )


def product_numbers(first: float, second: float, digits: int = 3) -> str:
    """``δ_j a_k`` with numbers: ``0.1·(−0.3)``."""
    return f"{factor(first, digits)}·{factor(second, digits)}"


def mean_gradient(name: str) -> str:
    """``(1/n) Σ_{x} ∂E_{x}/∂name``: the batch average of the per-point gradients."""
    return f"(1/n) Σ_{{x}} {dE(name)}"


def mean_gradient_rule(name: str = "w") -> str:
    """``∂E/∂w = (1/n) Σ_{x} ∂E_{x}/∂w``."""
    return f"{dE(name, None)} = {mean_gradient(name)}"


def mean_numbers(values: Sequence[float], n: int, digits: int = 3, max_terms: int = 5) -> str:
    """``(0.1 + 0.2 − 0.05) / 3``: the average of ``n`` values whose first are ``values``."""
    return f"({value_sum(values, n, digits, max_terms)}) / {n}"


def update_step(name: str) -> str:
    """``name − η ∂E/∂name``: the right-hand side of a gradient-descent step."""
    return f"{name} − η {dE(name, None)}"


def update_rule(name: str = "w") -> str:
    """``w ← w − η ∂E/∂w``."""
    return f"{name} ← {update_step(name)}"


def update_rules() -> str:
    """``w ← w − η ∂E/∂w,  b ← b − η ∂E/∂b``: one step of gradient descent."""
    return f"{update_rule('w')},  {update_rule('b')}"


def update_numbers(old: float, eta: float, gradient: float, digits: int = 3) -> str:
    """:func:`update_step` with numbers: ``0.5 − 0.1·(−0.2)``."""
    return f"{num(old, digits)} − {num(eta, digits)}·{factor(gradient, digits)}"


def momentum_rule() -> str:
    """``v ← μ v − η ∂E/∂θ,  θ ← θ + v``."""
    return f"v ← μ v − η {dE('θ', None)},  θ ← θ + v"


def perceptron_rule() -> str:
    """Rosenblatt's rule for one layer of step units: ``w ← w + η (y − a) x``."""
    return "w ← w + η (y − a) x,  b ← b + η (y − a)"


# ---- the gradient check ------------------------------------------------------------------------


def central_difference(theta: str = "θ") -> str:
    """``(E(θ + h) − E(θ − h)) / 2h``: the numerical slope of the cost."""
    return f"(E({theta} + h) − E({theta} − h)) / 2h"


def relative_error() -> str:
    """``|g_{bp} − g_{num}| / (|g_{bp}| + |g_{num}|)``."""
    return "|g_{bp} − g_{num}| / (|g_{bp}| + |g_{num}|)"
