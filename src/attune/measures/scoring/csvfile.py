"""Batch scoring of a CSV file: `id`, then `item1` ... `itemN` in the instrument's item order, blank = skipped.

The output keeps every input column and adds `total`, one column per subscale, `band`, one `true`/`false`
column per flag, `answered` and `missing_rule`. It is written to a temporary file beside the target and renamed
into place only when every row has scored, so a bad file never leaves a partial output behind.

The file is streamed in chunks: memory stays flat however many rows there are. The usual file (no quotes, no
byte-order mark or lone carriage return, every line as wide as the header, every answer a plain whole number
the item allows) is read, scored and written by polars in its streaming engine, with the instrument's plan as
polars expressions (`expressions.py`, checked against the NumPy engine), near the cost of reading and writing
it at all. Anything else, and any answer that is not allowed, goes through the exact reader below, which scores
each chunk as one NumPy batch and names the row and column of the first problem. The fast path never decides
an error: it only gives way. The benchmark (bench/score.py) compares `attune score` with a polars read and
write of the same file.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from attune.measures import library
from attune.measures.scoring.engine import InvalidAnswer, check_thresholds, run
from attune.measures.scoring.plan import Plan, plan_for

CHUNK_ROWS = 50_000
Progress = Callable[[int], None]


class CsvError(ValueError):
    """A file that cannot be scored; the message names the row and column where it can."""


def input_columns(code: str) -> list[str]:
    return ["id", *(f"item{i}" for i in range(1, len(library.load(code).item_ids) + 1))]


def output_columns(code: str) -> list[str]:
    plan = plan_for(code)
    return [
        "total",
        *(s.name for s in plan.subscales),
        "band",
        *(f.name for f in plan.flags),
        "answered",
        "missing_rule",
    ]


def score_csv(
    code: str,
    source: Path,
    target: Path,
    thresholds: Mapping[str, float] | None = None,
    progress: Progress | None = None,
) -> int:
    """Score every row of `source` into `target`; returns the number of rows. Raises CsvError."""
    try:
        plan = plan_for(code)
    except KeyError as exc:
        raise CsvError(exc.args[0]) from exc
    if thresholds:
        try:
            check_thresholds(plan, thresholds)
        except ValueError as exc:
            raise CsvError(str(exc)) from exc
    with _open(source) as handle:
        header = _header(handle)
        positions = _item_positions(code, header)
    try:
        return _score_streaming(code, plan, source, target, header, positions, thresholds, progress)
    except _NotUsual:
        pass
    with _open(source) as handle, _atomic(target) as out:
        header = _header(handle)
        csv.writer(out).writerow(header + output_columns(code))
        lookup = _lookup(plan)
        done = 0
        for lines, rows in _chunks(handle, len(header)):
            matrix = _matrix(lines, rows, positions, len(header), lookup, done)
            try:
                columns = run(plan, matrix, thresholds)
            except InvalidAnswer as exc:
                raise _cell_error(rows[exc.row], done + exc.row, header[positions[exc.column]], str(exc)) from exc
            _write(out, lines, rows, _format(plan, columns))
            done += len(rows)
            if progress:
                progress(done)
    return done


class _NotUsual(Exception):
    """The streaming path gives way to the exact reader (which finds and names any problem)."""


SCAN_BYTES = 8 << 20


@dataclass(frozen=True)
class _Layout:
    """What the byte scan of a usual file found: its size, its header line (without the line end), how many
    lines it has and how many line ends."""

    size: int
    header_bytes: int
    lines: int
    line_end_bytes: int


def _usual_layout(source: Path, width: int) -> _Layout | None:
    """The layout of a usual file, or None: no quote, byte-order mark or lone carriage return anywhere, and
    exactly `width - 1` commas a line on average.

    The streaming reader refuses a line with too many cells, so with that average no line can have too few
    either (it would need another with too many): then every line is as wide as the header, and a CSV reader
    cannot disagree with the exact one. Counting bytes is a C loop over a few megabytes at a time."""
    commas = lines = carriage = crlf = size = 0
    header_bytes = -1
    last = b""
    with open(source, "rb") as handle:
        while block := handle.read(SCAN_BYTES):
            if (size == 0 and block.startswith(b"\xef\xbb\xbf")) or b'"' in block:
                return None
            if header_bytes < 0 and (end := block.find(b"\n")) >= 0:
                before = block[end - 1 : end] if end else last  # the byte before the first line feed
                header_bytes = size + end - (before == b"\r")
            if b"\r" in block:
                carriage += block.count(b"\r")
                crlf += block.count(b"\r\n")
            crlf += last == b"\r" and block[:1] == b"\n"  # a line end split between two blocks
            size += len(block)
            commas += block.count(b",")
            lines += block.count(b"\n")
            last = block[-1:]
    line_ends = lines + crlf
    lines += last != b"\n"
    if header_bytes <= 0 or carriage != crlf or lines < 2 or commas != (width - 1) * lines:
        return None
    return _Layout(size=size, header_bytes=header_bytes, lines=lines, line_end_bytes=line_ends)


def _score_streaming(
    code: str,
    plan: Plan,
    source: Path,
    target: Path,
    header: list[str],
    positions: list[int],
    thresholds: Mapping[str, float] | None,
    progress: Progress | None,
) -> int:
    """Read, score and write the usual file in polars' streaming engine; raises _NotUsual to give way.

    The answers are read as small whole numbers, and the other cells as text, so that the input columns are
    written back as they were read: a whole number is written in its plain form (`1`), which is what the file
    held unless an answer was written otherwise (`01`, `+1`, ` 1`). Such an answer is one byte longer at
    least, so the length of every cell as written, added up, falls short of the file's size: then the
    output is thrown away and the exact reader writes it."""
    import polars as pl

    from attune.measures.scoring.expressions import score_frame

    layout = _usual_layout(source, len(header))
    if layout is None:
        raise _NotUsual
    items = [header[p] for p in positions]
    texts = [name for name in header if name not in items]
    # Blank cells read as null (an answer) or "" (text) and are written back blank. An answer that is not a
    # whole number from 0 to 255 fails to read, and one outside its item's answers is flagged `invalid`:
    # both give way, and the exact reader names the cell.
    frame = pl.scan_csv(
        source,
        has_header=True,
        schema={name: pl.UInt8 if name in items else pl.String for name in header},
        quote_char=None,
    )
    invalid, length = "_" * (max(map(len, header)) + 1), "_" * (max(map(len, header)) + 2)
    scored = score_frame(plan, frame, items, thresholds, invalid=invalid).with_columns(
        pl.sum_horizontal(
            *(pl.col(name).str.len_bytes() for name in texts),
            *(_digits(pl.col(name)) for name in items),
        ).alias(length)
    )
    done = cell_bytes = 0
    try:
        with _atomic_binary(target) as out:
            out.write((",".join(header + output_columns(code)) + "\r\n").encode())
            for batch in scored.collect_batches(chunk_size=CHUNK_ROWS):
                if batch.height == 0:
                    continue
                if batch.get_column(invalid).any():
                    raise _NotUsual
                cell_bytes += int(batch.get_column(length).sum())
                batch.drop(invalid, length).write_csv(
                    out, include_header=False, line_terminator="\r\n", float_precision=2, quote_style="necessary"
                )
                done += batch.height
                if progress:
                    progress(done)
            written = layout.header_bytes + cell_bytes + done * (len(header) - 1) + layout.line_end_bytes
            if done != layout.lines - 1 or written != layout.size:
                raise _NotUsual
    except pl.exceptions.PolarsError as exc:
        raise _NotUsual from exc
    return done


def _digits(answer: Any) -> Any:
    """How many bytes a small whole number takes written plainly (0 for a blank)."""
    return answer.is_not_null().cast(int) + (answer >= 10).cast(int) + (answer >= 100).cast(int)


@contextmanager
def _atomic_binary(target: Path) -> Iterator[IO[bytes]]:
    directory = target.resolve().parent
    if not directory.is_dir():
        raise CsvError(f"cannot write {target}: no such directory")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _open(source: Path) -> Iterator[IO[str]]:
    try:
        handle = open(source, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CsvError(f"cannot read it ({exc.strerror})") from exc
    with handle:
        try:
            yield handle
        except UnicodeDecodeError as exc:
            raise CsvError(f"it is not UTF-8 text ({exc.reason})") from exc


@contextmanager
def _atomic(target: Path) -> Iterator[IO[str]]:
    """A temporary file beside `target`, renamed onto it only if the block finishes without an error."""
    directory = target.resolve().parent
    if not directory.is_dir():
        raise CsvError(f"cannot write {target}: no such directory")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            yield out
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _header(handle: IO[str]) -> list[str]:
    first = handle.readline()
    if not first.strip():
        raise CsvError("the file is empty: the first row must name the columns")
    return [name.strip() for name in next(csv.reader([first]))]


def _chunks(handle: IO[str], width: int) -> Iterator[tuple[list[str] | None, list[list[str]]]]:
    """Chunks of rows, with their raw lines when every line is exactly one record (the usual case).

    A quoted cell may hold a line break, so a record can span lines; an odd number of quote characters on a
    line is the sign. Then the rest of the file is read record by record and the lines are not kept.
    """
    row_number = 1
    while lines := list(islice(handle, CHUNK_ROWS)):
        if '"' in "".join(lines) and any(line.count('"') % 2 for line in lines):
            records = csv.reader(chain(lines, handle))
            while rows := list(islice(records, CHUNK_ROWS)):
                _check_widths(rows, width, row_number)
                row_number += len(rows)
                yield None, rows
            return
        rows = list(csv.reader(lines))
        _check_widths(rows, width, row_number)
        row_number += len(rows)
        yield lines, rows


def _check_widths(rows: list[list[str]], width: int, row_number: int) -> None:
    if set(map(len, rows)) != {width}:
        offset = next(i for i, row in enumerate(rows) if len(row) != width)
        raise CsvError(f"row {row_number + offset + 1}: {len(rows[offset])} cells where the header has {width}")


def _write(out: IO[str], lines: list[str] | None, rows: list[list[str]], added: list[list[str]]) -> None:
    """Each input row as it was, then the added cells. Raw lines are reused when there are any: the input
    columns come back byte for byte and need no second round of quoting."""
    if lines is None:
        for row, extra in zip(rows, zip(*added, strict=True), strict=True):
            row.extend(extra)
        csv.writer(out).writerows(rows)
        return
    bodies = [line.rstrip("\r\n") for line in lines]
    out.write("\r\n".join(map(",".join, zip(bodies, *added, strict=True))))
    out.write("\r\n")


def _item_positions(code: str, header: list[str]) -> list[int]:
    expected = input_columns(code)
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise CsvError(f"row 1: column {', '.join(duplicated)} appears more than once")
    missing = [name for name in expected if name not in header]
    if missing:
        shown = ", ".join(missing) if len(missing) <= 4 else f"{', '.join(missing[:4])} ... ({len(missing)} in all)"
        raise CsvError(f"row 1: missing column{'s' if len(missing) > 1 else ''} {shown}")
    clashing = [name for name in output_columns(code) if name in header]
    if clashing:
        raise CsvError(f"row 1: column {', '.join(clashing)} is an output column; rename or remove it")
    return [header.index(name) for name in expected[1:]]


def _lookup(plan: Plan) -> dict[str, float]:
    """The exact texts of every allowed answer, so the common case converts with one dict lookup per cell."""
    values = {float(v) for allowed in plan.allowed for v in allowed}
    lookup = {_text(v): v for v in values}
    lookup[""] = math.nan
    return lookup


def _matrix(
    lines: list[str] | None,
    rows: list[list[str]],
    positions: list[int],
    width: int,
    lookup: dict[str, float],
    done: int,
) -> npt.NDArray[np.float64]:
    if lines is not None and positions == list(range(width - len(positions), width)):
        digits = _trailing_digits(lines, len(positions))
        if digits is not None:
            return digits
    getter = itemgetter(*positions) if len(positions) > 1 else (lambda row: (row[positions[0]],))
    try:
        flat = np.fromiter(map(lookup.__getitem__, chain.from_iterable(map(getter, rows))), np.float64)
    except KeyError:
        flat = np.array([_parse(rows, i, positions, done) for i in range(len(rows) * len(positions))])
    return flat.reshape(len(rows), len(positions))


def _trailing_digits(lines: list[str], items: int) -> npt.NDArray[np.float64] | None:
    """Read the last `items` cells of every line with NumPy when each is blank or one digit.

    That is every answer of every shipped instrument, and several times faster than a conversion per cell.
    The cells lie between the last `items` commas of each line; a quoted cell (a quote is not a digit), a
    longer cell or a non-digit returns None, and the caller converts cell by cell with an error naming the cell.
    """
    text = "".join(lines)
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    newlines = np.flatnonzero(data == 0x0A)
    ends = newlines if len(newlines) == len(lines) else np.append(newlines, len(data))
    if len(ends) != len(lines):
        return None
    ends = ends - (data[np.maximum(ends - 1, 0)] == 0x0D)  # without a carriage return
    commas = np.flatnonzero(data == 0x2C)
    if '"' not in text and len(commas) % len(lines) == 0:
        # No quoting: every line has the header's number of commas (the reader checked the widths).
        per_line = commas.reshape(len(lines), -1).T  # commas x lines
        if len(per_line) < items:
            return None
        starts = per_line[-items:] + 1
        stops = np.concatenate((per_line[len(per_line) - items + 1 :], ends[None, :]), axis=0)
    else:
        before_end = np.searchsorted(commas, ends)
        before_start = np.searchsorted(commas, np.concatenate(([0], ends[:-1] + 1)))
        if np.any(before_end - before_start < items):
            return None
        index = before_end[None, :] - items + np.arange(items)[:, None]
        starts = commas[index] + 1
        stops = np.concatenate((commas[index[1:, :]], ends[None, :]), axis=0)
    # Everything is items x lines, so the transpose handed back is column-major, the engine's layout.
    lengths = stops - starts
    if lengths.max() > 1:
        return None
    digits = np.take(data, starts, mode="clip").astype(np.float64) - 48.0
    if np.any((lengths == 1) & ((digits < 0) | (digits > 9))):
        return None
    return np.where(lengths == 0, np.nan, digits).T


def _parse(rows: list[list[str]], index: int, positions: list[int], done: int) -> float:
    row, column = divmod(index, len(positions))
    text = rows[row][positions[column]].strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        header_name = f"item{column + 1}"
        raise CsvError(f"row {done + row + 2}{_id(rows[row])}, column {header_name}: {text!r} is not a number")
    return value


def _cell_error(row: list[str], index: int, column: str, why: str) -> CsvError:
    return CsvError(f"row {index + 2}{_id(row)}, column {column}: {why}")


def _id(row: list[str]) -> str:
    return f" (id {row[0][:40]!r})" if row and row[0] else ""


def _format(plan: Plan, columns: dict[str, npt.NDArray[np.generic]]) -> list[list[str]]:
    """Each added column as a list of strings, in output order. Means keep 2 decimals, sums none."""
    decimals = {s.name: s.decimals for s in plan.subscales}
    decimals["total"] = plan.total.decimals if plan.total else 2
    out = [_numbers(columns["total"], decimals["total"])]
    out.extend(_numbers(columns[s.name], s.decimals) for s in plan.subscales)
    out.append(_texts(columns["band"]))
    booleans = np.array(["false", "true"], dtype=object)
    out.extend(booleans[columns[f.name].astype(np.intp)].tolist() for f in plan.flags)
    out.append(_numbers(columns["answered"].astype(np.float64), 0))
    out.append(_texts(columns["missing_rule"]))
    return out


def _numbers(values: npt.NDArray[np.generic], decimals: int) -> list[str]:
    """Format through a table of the few distinct values a scale can take: one lookup a row."""
    as_float = values.astype(np.float64)
    blank = np.isnan(as_float)
    if blank.all():
        return [""] * len(values)
    keys = np.rint(np.where(blank, 0.0, as_float) * 10**decimals).astype(np.int64)
    low, high = int(keys.min()), int(keys.max())
    table = np.array([f"{k / 10**decimals:.{decimals}f}" for k in range(low, high + 1)], dtype=object)
    texts = table[keys - low]
    texts[blank] = ""
    return texts.tolist()


def _texts(values: npt.NDArray[np.generic]) -> list[str]:
    """Labels, quoted for CSV where they need it (an ECR-RS band holds a comma)."""
    plain = values.tolist()
    quoted = {text: _quote(text) for text in set(plain)}
    return list(map(quoted.__getitem__, plain))


def _quote(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
