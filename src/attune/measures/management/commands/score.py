import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.measures import library
from attune.measures.scoring import csvfile


class Command(BaseCommand):
    # Scoring touches no database, URL or template: the system checks would only slow a large batch down
    # and tie it to the state of unrelated apps.
    requires_system_checks: list[str] = []

    help = (
        "Score a CSV of responses: attune score INSTRUMENT INPUT.csv -o OUTPUT.csv (columns id, item1..itemN; "
        "a blank cell is a skipped question). attune score --list shows the instruments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", nargs="?", help="instrument code, e.g. pcl5")
        parser.add_argument("input", nargs="?", type=Path, help="CSV file to score")
        parser.add_argument("-o", "--output", type=Path, help="CSV file to write (replaced only on success)")
        parser.add_argument("--list", action="store_true", help="list the instruments and their CSV columns")
        parser.add_argument(
            "--threshold",
            action="append",
            default=[],
            metavar="FLAG=VALUE",
            help="override a configurable flag threshold, e.g. probable_ptsd=31",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.stdout.write(self._listing())
            return
        code, source, target = options["instrument"], options["input"], options["output"]
        if not (code and source and target):
            raise CommandError("usage: attune score INSTRUMENT INPUT.csv -o OUTPUT.csv (or attune score --list)")
        if code not in library.codes():
            raise CommandError(f"unknown instrument {code!r}; known: {', '.join(library.codes())}")
        thresholds = _thresholds(options["threshold"])
        try:
            rows = csvfile.score_csv(code, source, target, thresholds, self._progress())
        except csvfile.CsvError as exc:
            raise CommandError(f"{source}: {exc}; nothing was written") from exc
        finally:
            if sys.stderr.isatty():
                sys.stderr.write("\n")
        self.stdout.write(f"Scored {rows} rows of {code} into {target}")

    def _listing(self) -> str:
        lines = []
        for instrument in library.all_instruments():
            text = "item text" if instrument.scoring["item_text"]["shipped"] else "structure only"
            columns = ", ".join(csvfile.output_columns(instrument.code))
            lines.append(
                f"{instrument.code:<8} {instrument.title}\n"
                f"         {len(instrument.item_ids)} items ({text}); adds: {columns}"
            )
        return "\n".join(lines)

    def _progress(self) -> csvfile.Progress | None:
        if not sys.stderr.isatty():
            return None

        def show(done: int) -> None:
            sys.stderr.write(f"\rscored {done:,} rows")
            sys.stderr.flush()

        return show


def _thresholds(pairs: list[str]) -> dict[str, float]:
    thresholds = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            thresholds[name.strip()] = float(value)
        except ValueError:
            raise CommandError(f"--threshold needs FLAG=NUMBER, not {pair!r}") from None
    return thresholds
