"""Regression against scikit-learn's MLPRegressor on a real data set with several inputs.

Run from the repository root:  python benchmarks/bench_regression.py [--epochs N] [--seeds K]

The data: scikit-learn's diabetes set (442 patients, 10 inputs, a disease-progression score a
year later; Efron et al., "Least Angle Regression", 2004; it ships inside scikit-learn, so this
runs offline). One split (20 % test, seeded) serves both sides. Ours is trained through the
command line's own code path (``mlpstudio train --data diabetes.csv --target progression``:
the CSV reader, the split column, the standardisation of inputs and targets on the training
points, the trainer); scikit-learn gets the same standardised numbers, the same architecture
(10-16-1, tanh, identity output), solver adam at the same learning rate, batch size, epochs
(``max_iter``, early stopping off, no L2). R² is measured on the test points in the target's
own units. Printed: R² and training time per seed, their means, and the ratios. A script,
never a timed test; scikit-learn is the ``bench`` extra (``pip install ".[bench]"``).

``--depths NAME`` prints instead the experiment behind the lecture's slide on one against two
hidden layers (``mlpstudio.core.approximation.compare_depths``): the generated function NAME
(``square``, ``step``, ...) fitted with 1 hidden layer of N units and 2 layers of N/2 each.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one BLAS thread on both sides, before numpy is imported

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlpstudio import cli  # noqa: E402
from mlpstudio.core import approximation, datasets, losses, project, regression, scaling  # noqa: E402

try:
    import sklearn
    from sklearn.datasets import load_diabetes
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor
except ImportError:  # the bench extra
    sys.exit('bench_regression.py needs scikit-learn: pip install ".[bench]"')

HIDDEN = 16
ACTIVATION = "tanh"
BATCH = 32
TEST_RATIO = 0.2


def diabetes(seed: int) -> regression.RegressionData:
    """The diabetes set, split by the engine's own rule (the same mask for both sides)."""
    bunch = load_diabetes(scaled=False)
    data = regression.from_arrays(
        bunch.data, bunch.target, feature_names=bunch.feature_names, target_names=["progression"]
    )
    return datasets.split(data, TEST_RATIO, seed)


def write_csv(data: regression.RegressionData, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*data.feature_names, "progression", "split"])
        for x, t, m in zip(data.X.tolist(), data.targets.tolist(), data.train_mask, strict=True):
            w.writerow([*map(repr, x), repr(t[0]), "train" if m else "test"])


def ours(data: regression.RegressionData, folder: Path, seed: int, lr: float, epochs: int):
    """R² on the test points and training seconds, through ``mlpstudio train``."""
    table, saved = folder / "diabetes.csv", folder / f"diabetes-{seed}.json"
    write_csv(data, table)
    argv = [
        "train", "--data", str(table), "--target", "progression",
        "--layers", f"{data.n_features},{HIDDEN},1", "--activation", ACTIVATION,
        "--optimizer", "adam", "--lr", str(lr), "--batch-size", str(BATCH),
        "--epochs", str(epochs), "--seed", str(seed), "--json", "--out", str(saved),
    ]  # fmt: skip
    out = io.StringIO()
    if cli.main(argv, out, io.StringIO()) != 0:
        raise SystemExit("mlpstudio train failed")
    report = json.loads(out.getvalue())
    p = project.load(saved)
    test = ~p.dataset.train_mask
    r2 = losses.r_squared(p.predict_values(p.dataset.X[test]), p.dataset.targets[test])
    assert abs(r2 - report["test_r2"]) < 1e-12  # the command's own figure
    return r2, report["seconds"]


def theirs(data: regression.RegressionData, seed: int, lr: float, epochs: int):
    """The same with MLPRegressor on the same standardised numbers."""
    xs = scaling.fit_standardisation(data)
    ts = scaling.fit_target_standardisation(data)
    X, T, m = xs.apply(data.X), ts.apply(data.targets)[:, 0], data.train_mask
    model = MLPRegressor(
        hidden_layer_sizes=(HIDDEN,),
        activation=ACTIVATION,
        solver="adam",
        learning_rate_init=lr,
        batch_size=BATCH,
        max_iter=epochs,
        alpha=0.0,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=epochs + 1,  # no early stop: exactly max_iter epochs, as ours
        random_state=seed,
    )
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[m], T[m])
    seconds = time.perf_counter() - began
    predicted = ts.invert(model.predict(X[~m]).reshape(-1, 1))
    return losses.r_squared(predicted, data.targets[~m]), seconds


def depths(name: str, epochs: int) -> None:
    """The one-layer-against-two table on the generated function ``name``."""
    data = datasets.split(regression.generate(name, 400, 0.0, 0), 0.25, 0)
    print(f"{name}: 400 points, 25% test; tanh layers, linear output, adam 0.01, {epochs} epochs")
    print(f"{'units':>5}  {'1 layer: RMSE':>13}  {'R²':>6}  {'2 layers: RMSE':>14}  {'R²':>6}")
    for row in approximation.compare_depths(data, (2, 4, 8, 16), epochs):
        one, two = row.one_layer, row.two_layers
        print(
            f"{row.units:>5}  {one.test_rmse:13.4f}  {one.test_r2:6.3f}  "
            f"{two.test_rmse:14.4f}  {two.test_r2:6.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=200, help="epochs = max_iter (200)")
    ap.add_argument("--lr", type=float, default=0.001, help="adam's learning rate (0.001)")
    ap.add_argument("--seeds", type=int, default=5, help="splits and initialisations (5)")
    ap.add_argument("--depths", metavar="NAME", help="the 1-vs-2-layer table on a function")
    args = ap.parse_args()
    if args.depths:
        depths(args.depths, args.epochs)
        return
    print("MLP Studio against scikit-learn MLPRegressor: diabetes (442 points, 10 inputs)")
    print(
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}; 10-{HIDDEN}-1 "
        f"{ACTIVATION}/identity, adam lr {args.lr:g}, batch {BATCH}, {args.epochs} epochs, "
        f"{TEST_RATIO:.0%} test, inputs and target standardised on the training points"
    )
    print(f"{'seed':>4}  {'R² ours':>8}  {'R² sklearn':>10}  {'s ours':>7}  {'s sklearn':>9}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seeds):
            data = diabetes(seed)
            r_ours, t_ours = ours(data, Path(folder), seed, args.lr, args.epochs)
            r_sk, t_sk = theirs(data, seed, args.lr, args.epochs)
            rows.append((r_ours, r_sk, t_ours, t_sk))
            print(f"{seed:>4}  {r_ours:8.4f}  {r_sk:10.4f}  {t_ours:7.2f}  {t_sk:9.2f}")
    r_ours, r_sk, t_ours, t_sk = (statistics.mean(c) for c in zip(*rows, strict=True))
    print(f"mean  {r_ours:8.4f}  {r_sk:10.4f}  {t_ours:7.2f}  {t_sk:9.2f}")
    print(
        f"R² ours / sklearn: {r_ours / r_sk:.3f} ({100 * (r_ours - r_sk) / r_sk:+.1f} %); "
        f"time sklearn / ours: {t_sk / t_ours:.2f} (>1: ours faster)"
    )


if __name__ == "__main__":
    main()
