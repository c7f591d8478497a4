"""How much memory and time the project loader takes to refuse a huge file, and to load a big one.

Run from the repository root:  python benchmarks/bench_project.py [--mb 99] [--case unknown]

Each case writes a file into a temporary folder and loads it with ``core.project.load`` in a
fresh Python process, which reports its peak resident memory (``VmHWM`` from
``/proc/self/status``, Linux) above what it held just before the load, so the figure is the
loader's own peak: the bytes read, the decoded text, whatever the parser builds. Printed as MB
and as a multiple of the file's size, with the time and the loader's verdict.

- ``unknown``: the issue's hostile file: a small valid project plus one unknown top-level key
  holding ``[0, 0, 0, …]`` up to ``--mb`` megabytes (99 MB: 49 million zeros). It must be refused
  ("zeros: unknown key") with a peak under ~5× the file.
- ``nested``: the same zeros under an unknown key of the network block (``network.cache``).
- ``points``: a valid project whose dataset holds as many 2-D points as fit in ``--mb`` (what a
  big, legitimate file costs to load, for comparison).

This is a script that prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "resources" / "examples" / "xor-2-2-1.json"

# Runs in the child: memory before, load, peak after.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[2])
from mlpstudio.core import project

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

before = status("VmRSS")
t0 = time.perf_counter()
try:
    project.load(sys.argv[1])
    verdict = "accepted"
except project.ProjectError as exc:
    verdict = str(exc).split(": ", 1)[1][:90]
seconds = time.perf_counter() - t0
print(json.dumps({"before": before, "peak": status("VmHWM"), "seconds": seconds,
                  "verdict": verdict}))
"""


def base_text() -> str:
    """A small valid project (the XOR example) as compact JSON text, without its closing brace."""
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return json.dumps(doc, separators=(",", ":"))


def write_zeros(f, count: int) -> None:
    f.write("[0")
    block = ",0" * 1_000_000
    left = count - 1
    while left > 0:
        n = min(left, 1_000_000)
        f.write(block if n == 1_000_000 else ",0" * n)
        left -= n
    f.write("]")


def write_case(path: Path, case: str, mb: float) -> None:
    target = int(mb * 1e6)
    text = base_text()
    with open(path, "w", encoding="utf-8") as f:
        if case == "unknown":
            f.write(text[:-1] + ',"zeros":')
            write_zeros(f, (target - len(text) - 12) // 2)
            f.write("}")
        elif case == "nested":
            head, tail = text.split('"network":{', 1)
            f.write(head + '"network":{"cache":')
            write_zeros(f, (target - len(text) - 12) // 2)
            f.write("," + tail)
        else:  # points: a legitimate big dataset
            doc = json.loads(text)
            row = "[0.12345678901234,-0.9876543210987]"
            n = target // (len(row) + 3)
            doc["dataset"]["points"] = []
            doc["dataset"]["labels"] = []
            doc["dataset"].pop("generator", None)
            doc["dataset"].pop("split", None)
            doc.pop("history", None)
            head = json.dumps(doc, separators=(",", ":"))
            before, after = head.split('"points":[],"labels":[]', 1)
            f.write(before + '"points":[')
            f.write(",".join([row] * n))
            f.write('],"labels":[')
            f.write(",".join(["0", "1"] * (n // 2) + ["0"] * (n % 2)))
            f.write("]" + after)


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mb", type=float, default=99.0, help="size of each file in MB")
    p.add_argument(
        "--case",
        nargs="+",
        choices=("unknown", "nested", "points"),
        default=["unknown", "nested"],
        help="which files to load",
    )
    args = p.parse_args()
    if not Path("/proc/self/status").exists():
        print("needs Linux (/proc/self/status)")
        return 1
    print(f"Python {sys.version.split()[0]}; each load in a fresh process; peak = VmHWM - VmRSS")
    print(f"{'case':8} {'file MB':>8} {'peak MB':>8} {'peak/file':>9} {'seconds':>8}  verdict")
    with tempfile.TemporaryDirectory(prefix="bench_project-") as tmp:
        for case in args.case:
            path = Path(tmp) / f"{case}.json"
            write_case(path, case, args.mb)
            size = path.stat().st_size
            r = measure(path)
            path.unlink()
            peak = r["peak"] - r["before"]
            print(
                f"{case:8} {size / 1e6:8.1f} {peak / 1e6:8.1f} {peak / size:8.2f}x "
                f"{r['seconds']:8.1f}  {r['verdict']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
