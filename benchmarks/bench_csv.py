"""How fast the CSV reader reads big files, and how much memory it takes while reading.

Run from the repository root:  python benchmarks/bench_csv.py [--rows 100000 1000000] [--reps N]

For each size it writes a file like the ones people import (a header, two float features written
with ``repr`` as spreadsheets export them, a text label of three classes) into a temporary
folder, then reads it with ``core.csvio.read_csv``:

- **speed**: the median of ``--reps`` reads, as seconds and rows per second, with the progress
  callback the import dialog passes (its cost is included) and without;
- **memory**: the peak of Python allocations during one read (``tracemalloc``, in a read of its
  own because tracing slows everything down), in MB and as a multiple of the file's size.

This is a script that prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlpstudio.core import csvio


def write_file(path: Path, rows: int, seed: int = 0) -> None:
    """``rows`` points: two normal features written with repr, and a label of 3 classes."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2))
    labels = np.array(["setosa", "versicolor", "virginica"])[rng.integers(0, 3, rows)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("x1,x2,species\n")
        for start in range(0, rows, 100_000):  # in blocks: writing is not what is measured
            block = zip(
                X[start : start + 100_000].tolist(), labels[start : start + 100_000], strict=True
            )
            f.writelines(f"{a!r},{b!r},{c}\n" for (a, b), c in block)


def timed_read(path: Path, progress: bool) -> float:
    calls = []
    callback = calls.append if progress else None  # the dialog's callback is about as cheap
    gc.collect()
    start = time.perf_counter()
    csvio.read_csv(path, progress=callback)
    return time.perf_counter() - start


def peak_memory(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        csvio.read_csv(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--reps", type=int, default=3, help="reads per size for the median (3)")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    header = (
        f"{'rows':>10} {'file MB':>8} {'s (progress)':>13} {'rows/s':>11} {'s (none)':>9} "
        f"{'peak MB':>8} {'peak/file':>9}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"points-{rows}.csv"
            write_file(path, rows)
            size = path.stat().st_size
            with_progress = statistics.median(timed_read(path, True) for _ in range(args.reps))
            without = statistics.median(timed_read(path, False) for _ in range(args.reps))
            peak = peak_memory(path)
            print(
                f"{rows:>10,} {size / 1e6:>8.1f} {with_progress:>13.2f} "
                f"{rows / with_progress:>11,.0f} {without:>9.2f} {peak / 1e6:>8.0f} "
                f"{peak / size:>8.1f}×"
            )
            path.unlink()


if __name__ == "__main__":
    main()
