"""Benchmark: batch scoring of PCL-5 against a plain read and write of the same CSV, measured in one run.

    .venv/bin/python bench/score.py [--rows 1000000] [--repeat 3] [--check]

Generates ROWS random PCL-5 responses (about 2% of answers skipped), then times, each REPEAT times:
- `attune score pcl5 IN.csv -o OUT.csv` (the real command, in its own process), and
- a plain read and write of the same file with the same reader, chunking and writer (`copy_csv`), also in its
  own process,
and prints the best time of each and their ratio, in CPU time (user + system of the child process) and in
wall-clock time. The target is a CPU-time ratio of at most 2: scoring may cost no more than the reading and
writing it cannot avoid. CPU time is judged because wall-clock time on a shared machine mostly measures the
neighbours. Only ratios are judged; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_RATIO = 2.0
ITEMS = 20


def generate(path: Path, rows: int, seed: int = 5) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(0, 5, size=(rows, ITEMS)).astype(str).astype(object)
    answers[rng.random((rows, ITEMS)) < 0.02] = ""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", *(f"item{i}" for i in range(1, ITEMS + 1))])
        writer.writerows([f"r{n}", *answers_row] for n, answers_row in enumerate(answers.tolist()))


def timed(command: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall-clock seconds) of one run of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the ratio is above {TARGET_RATIO}")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        source, scored, copied = Path(folder, "in.csv"), Path(folder, "scored.csv"), Path(folder, "copied.csv")
        generate(source, args.rows)
        score = [sys.executable, "-m", "attune.manage", "score", "pcl5", str(source), "-o", str(scored)]
        copy = [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from attune.measures.scoring.csvfile import copy_csv;"
            " copy_csv(Path(sys.argv[1]), Path(sys.argv[2]))",
            str(source),
            str(copied),
        ]
        score_times, copy_times = [], []
        for _ in range(args.repeat):  # interleaved, so a slow spell of the machine hits both
            copy_times.append(timed(copy))
            score_times.append(timed(score))

    cpu_score, cpu_copy = min(t[0] for t in score_times), min(t[0] for t in copy_times)
    wall_score, wall_copy = min(t[1] for t in score_times), min(t[1] for t in copy_times)
    ratio = cpu_score / cpu_copy
    print(f"rows: {args.rows:,} PCL-5 responses; best of {args.repeat}; CPU time (wall-clock)")
    print(f"plain read and write: {cpu_copy:.2f} s ({wall_copy:.2f} s)")
    print(f"attune score pcl5:    {cpu_score:.2f} s ({wall_score:.2f} s)")
    verdict = "within" if ratio <= TARGET_RATIO else "over"
    wall_ratio = wall_score / wall_copy
    print(f"ratio: {ratio:.2f} CPU ({wall_ratio:.2f} wall-clock), {verdict} the target of {TARGET_RATIO:.0f}x")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
