"""Engine speed against PyTorch eager and scikit-learn on the networks MLP Studio trains.

Run from the repository root:  python benchmarks/bench_engine.py [--reps N] [--quick]

Prints a table of median times per operation and the ratios other/engine (above 1: the engine
is faster). PyTorch and scikit-learn are optional: a missing one is reported "not installed".
Every library runs on one thread; the candidates of a workload are timed in interleaved blocks,
repetition after repetition, so a noisy neighbour on a shared machine hits them all alike.
This is a script, never a timed test.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread before numpy (or torch) is imported: these matrices are too small for
# threads to help, and two libraries' pools would fight over two cores.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlpstudio.core import Network, Trainer, TrainSettings, boundary  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
    TORCH: str | None = torch.__version__
except ImportError:  # optional
    torch = None
    TORCH = None

try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    SKLEARN: str | None = sklearn.__version__
except ImportError:  # optional
    SKLEARN = None


# ---- data -------------------------------------------------------------------------------------


def xor_plane(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in [−1, 1]², class 1 where x·y > 0 (XOR of the signs)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def spirals(n: int, k: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k interleaved noisy spiral arms."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    r = rng.uniform(0.05, 1.0, n)
    t = 4.0 * r + 2.0 * np.pi * y / k + rng.normal(0, 0.1, n)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return X, y


# ---- timing -----------------------------------------------------------------------------------


def _calibrate(fn: Callable[[], object], block_seconds: float) -> int:
    """Calls per block so one block takes about ``block_seconds``."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= block_seconds / 4 or n >= 1 << 20:
            return max(1, int(n * block_seconds / max(dt, 1e-9)))
        n *= 4


def interleaved(
    candidates: dict[str, Callable[[], object]], reps: int, block_seconds: float
) -> dict[str, float]:
    """Median seconds per call of every candidate, blocks interleaved repetition by repetition."""
    counts = {name: _calibrate(fn, block_seconds) for name, fn in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            for name, fn in candidates.items():
                n = counts[name]
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[name].append((time.perf_counter() - t0) / n)
    finally:
        gc.enable()
    return {name: statistics.median(v) for name, v in samples.items()}


# ---- the engine's candidates -------------------------------------------------------------------


def engine_trainer(
    sizes: list[int],
    acts: list[str],
    loss: str,
    X: np.ndarray,
    y: np.ndarray,
    dtype: type = np.float64,
    **settings: object,
) -> Trainer:
    net = Network(sizes, acts, loss=loss, seed=0, dtype=dtype)
    return Trainer(net, X, y, settings=TrainSettings(seed=0, **settings))


def engine_update_only(trainer: Trainer) -> Callable[[], None]:
    """The trainer's update alone (forward_into, backward_into, optimiser, one in-place add),
    without the end-of-epoch metrics; repeated, so the forward pass is never reused."""
    n = len(trainer.X)
    return lambda: trainer._update(0, n)


# ---- PyTorch candidates ------------------------------------------------------------------------


def torch_model(sizes: list[int], acts: list[str], dtype: object) -> object:
    layers: list[object] = []
    table = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}
    for i, act in enumerate(acts):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if act in table:
            layers.append(table[act]())
        # softmax: left to CrossEntropyLoss (it takes logits), as one writes it in PyTorch
    torch.manual_seed(0)
    return torch.nn.Sequential(*layers).to(dtype)


def torch_full_batch(sizes, acts, X, y, dtype, metrics: bool) -> Callable[[], None]:
    """One full-batch SGD step with MSELoss; ``metrics``: also the end-of-epoch cost/accuracy."""
    model = torch_model(sizes, acts, dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = torch.nn.MSELoss()
    Xt = torch.as_tensor(X, dtype=dtype)
    Yt = torch.as_tensor(y, dtype=dtype).reshape(-1, 1)

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(Xt), Yt)
        loss.backward()
        opt.step()
        if metrics:
            with torch.no_grad():
                out = model(Xt)
                float(loss_fn(out, Yt))
                float(((out >= 0.5) == (Yt >= 0.5)).double().mean())

    return step


def torch_epoch_minibatch(sizes, acts, X, y, batch: int, metrics: bool) -> Callable[[], None]:
    """One epoch of shuffled mini-batch SGD with CrossEntropyLoss (softmax output)."""
    model = torch_model(sizes, acts, torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt = torch.as_tensor(X, dtype=torch.float64)
    yt = torch.as_tensor(y)
    gen = torch.Generator().manual_seed(0)
    n = len(X)

    def epoch() -> None:
        order = torch.randperm(n, generator=gen)
        Xs, ys = Xt[order], yt[order]
        for start in range(0, n, batch):
            opt.zero_grad()
            loss = loss_fn(model(Xs[start : start + batch]), ys[start : start + batch])
            loss.backward()
            opt.step()
        if metrics:
            with torch.no_grad():
                logits = model(Xt)
                float(loss_fn(logits, yt))
                float((logits.argmax(1) == yt).double().mean())

    return epoch


def torch_grid(sizes, acts, nx: int) -> Callable[[], object]:
    """The grid through the model under ``no_grad`` (the Sequential ends with its activation)."""
    model = torch_model(sizes, acts, torch.float32)
    g = torch.as_tensor(boundary.grid((-1.0, 1.0), (-1.0, 1.0), nx, nx))

    def forward() -> object:
        with torch.no_grad():
            return model(g)

    return forward


# ---- scikit-learn candidates -------------------------------------------------------------------


def sklearn_epoch(hidden, activation, X, y, batch: int) -> Callable[[], None]:
    """``partial_fit``: one epoch of plain SGD (no momentum, no L2) over mini-batches."""
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        activation=activation,
        solver="sgd",
        batch_size=batch,
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=0.0,
        shuffle=True,
        random_state=0,
    )
    classes = np.unique(y)
    clf.partial_fit(X, y, classes=classes)
    return lambda: clf.partial_fit(X, y)


# ---- the workloads -----------------------------------------------------------------------------

Row = tuple[str, float, float | None, float | None, str]


def run(reps: int, block: float) -> list[Row]:
    rows: list[Row] = []

    def add(label: str, cands: dict[str, Callable[[], object]], note: str = "") -> None:
        t = interleaved(cands, reps, block)
        rows.append((label, t["engine"], t.get("torch"), t.get("sklearn"), note))

    # W1: 2-4-1 sigmoid, squared error, full-batch gd on 200 XOR-plane points.
    X1, y1 = xor_plane(200)
    sizes1, acts1 = [2, 4, 1], ["sigmoid", "sigmoid"]
    tr = engine_trainer(sizes1, acts1, "squared_error", X1, y1, optimizer="gd", learning_rate=0.5)
    c = {"engine": lambda: tr.step(unit="batch")}
    if TORCH:
        c["torch"] = torch_full_batch(sizes1, acts1, X1, y1, torch.float64, metrics=True)
    if SKLEARN:
        c["sklearn"] = sklearn_epoch((4,), "logistic", X1, y1, batch=200)
    add("W1 2-4-1 gd epoch (step + metrics)", c, "sklearn: log-loss")
    tr = engine_trainer(sizes1, acts1, "squared_error", X1, y1, optimizer="gd", learning_rate=0.5)
    c = {"engine": engine_update_only(tr)}
    if TORCH:
        c["torch"] = torch_full_batch(sizes1, acts1, X1, y1, torch.float64, metrics=False)
    add("W1 2-4-1 gd update only", c)

    # W2: 2-16-16-1 tanh/tanh/sigmoid, squared error, full batch on 1000 spiral points.
    X2, y2 = spirals(1000)
    sizes2, acts2 = [2, 16, 16, 1], ["tanh", "tanh", "sigmoid"]
    for dtype, tdt, name in ((np.float64, "float64", "f64"), (np.float32, "float32", "f32")):
        tr = engine_trainer(
            sizes2, acts2, "squared_error", X2, y2, dtype, optimizer="gd", learning_rate=0.5
        )
        c = {"engine": lambda tr=tr: tr.step(unit="batch")}
        if TORCH:
            c["torch"] = torch_full_batch(sizes2, acts2, X2, y2, getattr(torch, tdt), metrics=True)
        add(f"W2 2-16-16-1 gd epoch {name}", c)
        tr = engine_trainer(
            sizes2, acts2, "squared_error", X2, y2, dtype, optimizer="gd", learning_rate=0.5
        )
        c = {"engine": engine_update_only(tr)}
        if TORCH:
            c["torch"] = torch_full_batch(sizes2, acts2, X2, y2, getattr(torch, tdt), metrics=False)
        add(f"W2 2-16-16-1 gd update only {name}", c)

    # W3: 2-32-32-3 tanh/tanh/softmax, cross-entropy, one epoch of sgd batches of 32.
    X3, y3 = spirals(1000, k=3)
    sizes3, acts3 = [2, 32, 32, 3], ["tanh", "tanh", "softmax"]
    tr = engine_trainer(
        sizes3, acts3, "cross_entropy", X3, y3, optimizer="sgd", batch_size=32, learning_rate=0.1
    )
    c = {"engine": lambda: tr.step(unit="epoch")}
    if TORCH:
        c["torch"] = torch_epoch_minibatch(sizes3, acts3, X3, y3, 32, metrics=True)
    if SKLEARN:
        c["sklearn"] = sklearn_epoch((32, 32), "tanh", X3, y3, batch=32)
    add("W3 2-32-32-3 sgd/32 epoch (+ metrics)", c)

    # W4: the boundary: 200×200 grid through a 2-16-16-1 tanh net, float32.
    net4 = Network(sizes2, acts2, seed=0)
    c = {"engine": lambda: boundary.outputs(net4, (-1.0, 1.0), (-1.0, 1.0), 200, 200)}
    if TORCH:
        c["torch"] = torch_grid(sizes2, acts2, 200)
    add("W4 200×200 grid forward f32", c, "torch: grid prebuilt")
    return rows


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.system()


def machine() -> list[str]:
    lines = [
        f"python {platform.python_version()}  numpy {np.__version__}  "
        f"torch {TORCH or 'not installed'}  scikit-learn {SKLEARN or 'not installed'}",
        f"{platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}",
    ]
    try:
        from threadpoolctl import threadpool_info

        for p in threadpool_info():
            lines.append(
                f"  pool {p.get('internal_api')} {p.get('version') or ''} "
                f"{p.get('architecture') or ''} threads={p.get('num_threads')}"
            )
    except ImportError:
        lines.append("  threadpoolctl not installed (thread pools not listed)")
    if TORCH:
        lines.append(f"  torch threads={torch.get_num_threads()}")
    return lines


def _fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:8.1f} µs"
    return f"{s * 1e3:8.2f} ms"


def _fmt_ratio(other: float | None, engine: float, installed: str | None) -> str:
    if not installed:
        return "not installed"
    if other is None:
        return "—"
    return f"{other / engine:5.2f}×"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15, help="interleaved repetitions (median)")
    ap.add_argument("--block", type=float, default=0.03, help="seconds per timed block")
    ap.add_argument("--quick", action="store_true", help="3 repetitions of short blocks")
    args = ap.parse_args()
    reps, block = (3, 0.01) if args.quick else (args.reps, args.block)

    warnings.simplefilter("ignore")  # sklearn's ConvergenceWarning after one partial_fit
    if SKLEARN:
        warnings.simplefilter("ignore", ConvergenceWarning)
    print("MLP Studio engine benchmark")
    for line in machine():
        print(line)
    print(f"median of {reps} interleaved repetitions; ratio = other / engine (>1: engine faster)")
    print()
    rows = run(reps, block)
    head = f"{'workload':38} {'engine':>11} {'torch':>11} {'torch/eng':>13} "
    head += f"{'sklearn':>11} {'sk/eng':>13}  note"
    print(head)
    print("-" * len(head))
    for label, eng, tt, st, note in rows:
        print(
            f"{label:38} {_fmt_time(eng):>11} {_fmt_time(tt):>11} "
            f"{_fmt_ratio(tt, eng, TORCH):>13} {_fmt_time(st):>11} "
            f"{_fmt_ratio(st, eng, SKLEARN):>13}  {note}"
        )


if __name__ == "__main__":
    main()
