"""Batch scoring of a CSV file: `id`, then `item1` ... `itemN` in the instrument's item order, blank = skipped.

The output keeps every input column and adds `total`, one column per subscale, `band`, one `true`/`false`
column per flag, `answered` and `missing_rule`. It is written to a temporary file beside the target and renamed
into place only when every row has scored, so a bad file never leaves a partial output behind.

The file is streamed in chunks: memory stays flat however many rows there are, and each chunk is scored as one
NumPy batch. `copy_csv` reads and writes a file with exactly the same reader and writer and no scoring; the
benchmark (bench/score.py) compares the two.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from attune.measures import library
from attune.measures.scoring.engine import InvalidAnswer, run
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
    with _rows(source) as (header, rows), _atomic(target) as out:
        positions = _item_positions(code, header)
        writer = csv.writer(out)
        writer.writerow(header + output_columns(code))
        lookup = _lookup(plan)
        done = 0
        for chunk in _chunks(rows, len(header)):
            matrix = _matrix(chunk, positions, lookup, plan, done)
            try:
                columns = run(plan, matrix, thresholds)
            except InvalidAnswer as exc:
                raise _cell_error(chunk, done + exc.row, exc.row, positions[exc.column], header, str(exc)) from exc
            except ValueError as exc:
                raise CsvError(str(exc)) from exc
            extra = _format(plan, columns)
            for row, added in zip(chunk, zip(*extra, strict=True), strict=True):
                row.extend(added)
            writer.writerows(chunk)
            done += len(chunk)
            if progress:
                progress(done)
    return done


def copy_csv(source: Path, target: Path) -> int:
    """Read and write `source` with the same reader, chunking and writer as score_csv, without scoring."""
    with _rows(source) as (header, rows), _atomic(target) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        done = 0
        for chunk in _chunks(rows, len(header)):
            writer.writerows(chunk)
            done += len(chunk)
    return done


@contextmanager
def _rows(source: Path) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    try:
        handle = open(source, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CsvError(f"cannot read {source}: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise CsvError(f"{source} is empty: the first row must name the columns") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CsvError(f"row 1: cannot be read as CSV ({exc})") from exc
        yield [name.strip() for name in header], _guarded(reader)


def _guarded(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvError(f"the file cannot be read as CSV after row {getattr(reader, 'line_num', '?')} ({exc})") from exc


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


def _item_positions(code: str, header: list[str]) -> list[int]:
    expected = input_columns(code)
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise CsvError(f"row 1: column {', '.join(duplicated)} appears more than once")
    missing = [name for name in expected if name not in header]
    if missing:
        raise CsvError(f"row 1: missing column {', '.join(missing)} (expected {', '.join(expected[:3])}, ...)")
    clashing = [name for name in output_columns(code) if name in header]
    if clashing:
        raise CsvError(f"row 1: column {', '.join(clashing)} is an output column; rename or remove it")
    return [header.index(name) for name in expected[1:]]


def _chunks(rows: Iterator[list[str]], width: int) -> Iterator[list[list[str]]]:
    row_number = 1
    while chunk := list(islice(rows, CHUNK_ROWS)):
        if set(map(len, chunk)) != {width}:
            offset = next(i for i, row in enumerate(chunk) if len(row) != width)
            raise CsvError(
                f"row {row_number + offset + 1}: {len(chunk[offset])} cells where the header has {width}"
            )
        row_number += len(chunk)
        yield chunk


def _lookup(plan: Plan) -> dict[str, float]:
    """The exact texts of every allowed answer, so the common case converts with one dict lookup per cell."""
    values = {float(v) for allowed in plan.allowed for v in allowed}
    lookup = {_text(v): v for v in values}
    lookup[""] = math.nan
    return lookup


def _matrix(
    chunk: list[list[str]], positions: list[int], lookup: dict[str, float], plan: Plan, done: int
) -> npt.NDArray[np.float64]:
    getter = itemgetter(*positions) if len(positions) > 1 else (lambda row: (row[positions[0]],))
    cells = list(chain.from_iterable(map(getter, chunk)))
    flat = _single_characters(cells)
    if flat is None:
        try:
            flat = np.fromiter(map(lookup.__getitem__, cells), np.float64, len(cells))
        except KeyError:
            flat = np.array([_parse(chunk, i, positions, done) for i in range(len(cells))], dtype=np.float64)
    return flat.reshape(len(chunk), len(positions))


def _single_characters(cells: list[str]) -> npt.NDArray[np.float64] | None:
    """Decode cells that are all blank or one digit (every answer of every shipped instrument) in one pass.

    The cells are joined with a separator into one byte string and taken apart with NumPy, which is several
    times faster than a conversion per cell. Anything else (a longer cell, a non-digit, the separator inside a
    cell) returns None and the caller converts cell by cell, with an error naming the cell.
    """
    if not cells:
        return np.zeros(0)
    text = "\x1f".join(cells)
    if not text.isascii():
        return None
    data = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    separators = np.flatnonzero(data == 0x1F)
    if len(separators) != len(cells) - 1:
        return None
    starts = np.concatenate(([0], separators + 1))
    lengths = np.concatenate((separators, [len(data)])) - starts
    if lengths.max() > 1:
        return None
    first = data[np.minimum(starts, max(len(data) - 1, 0))].astype(np.float64) - 48.0 if len(data) else starts * 0.0
    if np.any((lengths == 1) & ((first < 0) | (first > 9))):
        return None
    return np.where(lengths == 0, np.nan, first)


def _parse(chunk: list[list[str]], index: int, positions: list[int], done: int) -> float:
    row, column = divmod(index, len(positions))
    text = chunk[row][positions[column]].strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        header_name = f"item{column + 1}"
        raise CsvError(f"row {done + row + 2}{_id(chunk[row])}, column {header_name}: {text!r} is not a number")
    return value


def _cell_error(chunk: list[list[str]], absolute: int, row: int, position: int, header: list[str], why: str) -> CsvError:
    return CsvError(f"row {absolute + 2}{_id(chunk[row])}, column {header[position]}: {why}")


def _id(row: list[str]) -> str:
    return f" (id {row[0][:40]!r})" if row and row[0] else ""


def _format(plan: Plan, columns: dict[str, npt.NDArray[np.generic]]) -> list[list[str]]:
    """Each added column as a list of strings, in output order. Means keep 2 decimals, sums none."""
    decimals = {s.name: s.decimals for s in plan.subscales}
    decimals["total"] = plan.total.decimals if plan.total else 2
    out = [_numbers(columns["total"], decimals["total"])]
    out.extend(_numbers(columns[s.name], s.decimals) for s in plan.subscales)
    out.append(columns["band"].tolist())
    booleans = np.array(["false", "true"], dtype=object)
    out.extend(booleans[columns[f.name].astype(np.intp)].tolist() for f in plan.flags)
    out.append(_numbers(columns["answered"].astype(np.float64), 0))
    out.append(columns["missing_rule"].tolist())
    return out


def _numbers(values: npt.NDArray[np.generic], decimals: int) -> list[str]:
    """Format through a table of the distinct values: a batch holds few of them, so this is one lookup a row."""
    as_float = values.astype(np.float64)
    blank = np.isnan(as_float)
    keys = np.rint(np.where(blank, 0.0, as_float) * 10**decimals).astype(np.int64)
    distinct, inverse = np.unique(keys, return_inverse=True)
    texts = np.array([f"{k / 10**decimals:.{decimals}f}" for k in distinct.tolist()], dtype=object)[inverse]
    texts[blank] = ""
    return texts.tolist()  # type: ignore[no-any-return]


def _text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
