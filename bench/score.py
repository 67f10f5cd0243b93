"""Benchmark: batch scoring of PCL-5 against a polars read and write of the same CSV, measured in one run.

    .venv/bin/python bench/score.py [--rows 1000000] [--repeat 3] [--check]

Generates ROWS random PCL-5 responses (about 2% of answers skipped), then times, each REPEAT times and
interleaved:
- `attune score pcl5 IN.csv -o OUT.csv` (the real command, in its own process), and
- polars reading the same file and writing it back (`scan_csv(...).sink_csv(...)`, every column as text, in its
  own process): the I/O floor that scoring cannot go below,
and prints the best time of each and their ratio, in CPU time (user + system of the child process, all its
threads) and in wall-clock time, and the peak memory of the scoring process. The target is a CPU-time ratio of
at most 1.5 and a peak under 500 MB. CPU time is judged because wall-clock time on a shared machine mostly
measures the neighbours. Only ratios are judged; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_RATIO = 1.5
PEAK_MB = 500
ITEMS = 20


def generate(path: Path, rows: int, seed: int = 5) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(0, 5, size=(rows, ITEMS)).astype(str).astype(object)
    answers[rng.random((rows, ITEMS)) < 0.02] = ""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", *(f"item{i}" for i in range(1, ITEMS + 1))])
        writer.writerows([f"r{n}", *answers_row] for n, answers_row in enumerate(answers.tolist()))


def timed(command: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, wall-clock seconds, peak resident MB) of one run of the command."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the ratio is above {TARGET_RATIO}")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.rows)
        return 0

    with tempfile.TemporaryDirectory() as folder:
        source, scored, copied = Path(folder, "in.csv"), Path(folder, "scored.csv"), Path(folder, "copied.csv")
        # In a child process: Linux counts a parent's peak memory in a forked child's, so the parent stays small.
        subprocess.run([sys.executable, __file__, "--generate", str(source), "--rows", str(args.rows)], check=True)
        score = [sys.executable, "-m", "attune.manage", "score", "pcl5", str(source), "-o", str(scored)]
        copy = [
            sys.executable,
            "-c",
            "import sys, polars as pl; pl.scan_csv(sys.argv[1], infer_schema=False).sink_csv(sys.argv[2])",
            str(source),
            str(copied),
        ]
        score_times, copy_times = [], []
        for _ in range(args.repeat):  # interleaved, so a slow spell of the machine hits both
            copy_times.append(timed(copy))
            score_times.append(timed(score))

    cpu_score, cpu_copy = min(t[0] for t in score_times), min(t[0] for t in copy_times)
    wall_score, wall_copy = min(t[1] for t in score_times), min(t[1] for t in copy_times)
    peak = max(t[2] for t in score_times)
    ratio = cpu_score / cpu_copy
    print(f"rows: {args.rows:,} PCL-5 responses; best of {args.repeat}; CPU time (wall-clock)")
    print(f"polars read and write: {cpu_copy:.2f} s ({wall_copy:.2f} s)")
    print(f"attune score pcl5:     {cpu_score:.2f} s ({wall_score:.2f} s), peak memory {peak:.0f} MB")
    verdict = "within" if ratio <= TARGET_RATIO else "over"
    wall_ratio = wall_score / wall_copy
    print(f"ratio: {ratio:.2f} CPU ({wall_ratio:.2f} wall-clock), {verdict} the target of {TARGET_RATIO}x")
    print(f"peak memory: {'within' if peak <= PEAK_MB else 'over'} {PEAK_MB} MB")
    return 1 if args.check and (ratio > TARGET_RATIO or peak > PEAK_MB) else 0


if __name__ == "__main__":
    sys.exit(main())
