"""`attune score`: batch scoring of a CSV file, and a clear message with nothing written for a bad file."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attune.measures.scoring import csvfile

PCL5_HEADER = "id," + ",".join(f"item{i}" for i in range(1, 21))


def run_score(*args: str) -> str:
    out = io.StringIO()
    call_command("score", *args, stdout=out)
    return out.getvalue()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_scores_a_good_file(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "id,item1,item2,item3,item4,item5,item6,item7,item8,item9\n"
        "a,0,1,2,3,0,1,2,3,1\n"
        "b,2,2,1,1,1,1,1,1,\n"
        "c,3,3,3,3,,,0,0,2\n",
    )
    message = run_score("phq9", str(source), "-o", str(tmp_path / "out.csv"))
    assert "Scored 3 rows" in message
    rows = read(tmp_path / "out.csv")
    assert list(rows[0]) == [
        "id", *(f"item{i}" for i in range(1, 10)),
        "total", "band", "critical", "positive_screen", "major_depressive_syndrome", "answered", "missing_rule",
    ]  # fmt: skip
    assert rows[0]["item9"] == "1"  # the input columns are kept as they were
    assert [r["total"] for r in rows] == ["13", "11", ""]
    assert [r["band"] for r in rows] == ["moderate", "moderate", ""]
    assert [r["critical"] for r in rows] == ["true", "false", "true"]
    assert [r["positive_screen"] for r in rows] == ["true", "true", "true"]
    assert [r["answered"] for r in rows] == ["9", "8", "7"]
    assert [r["missing_rule"] for r in rows] == [
        "complete",
        "prorated: 1 item skipped",
        "not scored: too many items skipped",
    ]


def test_pcl5_subscale_columns_and_threshold_option(tmp_path: Path) -> None:
    source = write(tmp_path, PCL5_HEADER + "\nx," + ",".join(["2"] * 16 + ["0"] * 4) + "\n")
    run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    (row,) = read(tmp_path / "out.csv")
    assert (row["total"], row["cluster_b"], row["cluster_c"], row["cluster_d"], row["cluster_e"]) == (
        "32", "10", "4", "14", "4",
    )  # fmt: skip
    # Every cluster has enough items at 2 or more (E: items 15 and 16), so the provisional rule is met.
    assert (row["probable_ptsd"], row["provisional_ptsd"], row["band"]) == ("false", "true", "")
    run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"), "--threshold", "probable_ptsd=31")
    assert read(tmp_path / "out.csv")[0]["probable_ptsd"] == "true"


def test_mean_scored_instruments_keep_two_decimals_and_ecr_rs_has_no_total(tmp_path: Path) -> None:
    source = write(tmp_path, "id,item1,item2,item3,item4,item5,item6,item7,item8,item9\nq,2,3,1,2,5,6,4,5,6\n")
    run_score("ecr-rs", str(source), "-o", str(tmp_path / "out.csv"))
    (row,) = read(tmp_path / "out.csv")
    assert (row["total"], row["anxiety"], row["avoidance"]) == ("", "5.00", "5.83")
    assert row["band"] == "higher anxiety, higher avoidance"  # quoted in the file: it holds a comma
    source = write(tmp_path, "id," + ",".join(f"item{i}" for i in range(1, 13)) + "\nm,7,6,5,4,6,3,2,5,3,7,4,2\n")
    run_score("mspss", str(source), "-o", str(tmp_path / "out.csv"))
    (row,) = read(tmp_path / "out.csv")
    assert (row["total"], row["significant_other"], row["family"], row["friends"], row["band"]) == (
        "4.50", "6.50", "4.50", "2.50", "moderate",
    )  # fmt: skip


def test_extra_columns_quoting_and_unusual_cells_pass_through(tmp_path: Path) -> None:
    # A quoted id with a comma and a line break, a spare column, "2.0" and " 1 " as answers, CRLF endings.
    source = write(
        tmp_path,
        "id,item1,item2,item3,item4,item5,item6,item7,note\r\n"
        '"Smith, J.\nsecond line",2.0, 1 ,1,1,1,1,1,kept\r\n'
        "plain,3,3,3,3,3,3,3,\r\n",
    )
    run_score("gad7", str(source), "-o", str(tmp_path / "out.csv"))
    rows = read(tmp_path / "out.csv")
    assert rows[0]["id"] == "Smith, J.\nsecond line"
    assert (rows[0]["note"], rows[0]["item1"], rows[0]["total"]) == ("kept", "2.0", "8")
    assert rows[1]["total"] == "21"


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    listing = run_score("--list")
    for code in ["brs", "csi16", "ders16", "ecr-rs", "gad7", "mspss", "pcl5", "pcptsd5", "phq9"]:
        assert f"\n{code} " in f"\n{listing}"
    assert "structure only" in listing and "item text" in listing
    assert capsys.readouterr().err == ""


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, PCL5_HEADER + "\n" + "r,0" + ",0" * 19 + "\n")
    run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    assert capsys.readouterr().err == ""


def test_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 7)
    lines = [f"r{n}," + ",".join(str((n + i) % 5) for i in range(20)) for n in range(50)]
    source = write(tmp_path, PCL5_HEADER + "\n" + "\n".join(lines))  # no newline at the end
    run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    rows = read(tmp_path / "out.csv")
    assert [r["id"] for r in rows] == [f"r{n}" for n in range(50)]
    assert all(int(r["total"]) == sum(int(r[f"item{i}"]) for i in range(1, 21)) for r in rows)
    # An error in a later chunk names the right row: data row 40 is row 41 of the file.
    lines[39] = lines[39][: lines[39].rindex(",")] + ",9"
    write(tmp_path, PCL5_HEADER + "\n" + "\n".join(lines))
    with pytest.raises(CommandError, match=r"row 41 \(id 'r39'\), column item20: 9 is not an answer"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "bad.csv"))
    assert not (tmp_path / "bad.csv").exists()


GOOD_ROW = "a," + ",".join(["1"] * 20)


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["ecr-s"], PCL5_HEADER + "\n" + GOOD_ROW, r"unknown instrument 'ecr-s'"),
        (["pcl5"], PCL5_HEADER.replace(",item7", "") + "\na" + ",1" * 19, r"row 1: missing column item7"),
        (["pcl5"], PCL5_HEADER.replace("id,", "ident,") + "\n" + GOOD_ROW, r"row 1: missing column id"),
        (["pcl5"], PCL5_HEADER + ",total\n" + GOOD_ROW + ",5", r"row 1: column total is an output column"),
        (["pcl5"], PCL5_HEADER + ",item3\n" + GOOD_ROW + ",1", r"row 1: column item3 appears more than once"),
        (["pcl5"], PCL5_HEADER + "\n" + GOOD_ROW + "\nb,5" + ",1" * 19, r"row 3 \(id 'b'\), column item1: 5 is not"),
        (["pcl5"], PCL5_HEADER + "\n" + "c" + ",1" * 19 + ",-1", r"row 2 \(id 'c'\), column item20: -1 is not"),
        (["pcl5"], PCL5_HEADER + "\n" + "d" + ",1" * 19 + ",1.5", r"row 2 \(id 'd'\), column item20: 1.5 is not"),
        (["pcl5"], PCL5_HEADER + "\n" + "e,yes" + ",1" * 19, r"row 2 \(id 'e'\), column item1: 'yes' is not a number"),
        (["pcl5"], PCL5_HEADER + "\n" + GOOD_ROW + "\nf,1,1", r"row 3: 3 cells where the header has 21"),
        (["pcl5"], "", r"the file is empty"),
        (["pcl5"], "name,age\nx,3", r"row 1: missing columns id, item1, item2, item3 \.\.\. \(21 in all\)"),
        (["pcl5", "--threshold", "provisional_ptsd=2"], PCL5_HEADER + "\n" + GOOD_ROW, r"no configurable threshold"),
        (["pcl5", "--threshold", "probable_ptsd"], PCL5_HEADER + "\n" + GOOD_ROW, r"FLAG=NUMBER"),
        (["csi16"], "id," + ",".join(f"item{i}" for i in range(1, 17)) + "\ng,6,6" + ",1" * 14, r"column item2: 6"),
        (["pcptsd5"], "id,item1,item2,item3,item4,item5,item6\nh,2,1,1,1,1,1", r"column item1: 2 is not an answer"),
    ],
    ids=[
        "unknown instrument", "missing item column", "missing id column", "output column clash", "duplicate column",
        "out of range", "negative", "not whole", "not a number", "short row", "empty file", "another file",
        "unconfigurable flag", "threshold syntax", "csi16 item 2 above 5", "pcptsd5 exposure not yes or no",
    ],
)  # fmt: skip
def test_bad_files_stop_with_a_clear_message_and_write_nothing(
    tmp_path: Path, args: list[str], content: str, message: str
) -> None:
    source = write(tmp_path, content)
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message) as raised:
        run_score(args[0], str(source), "-o", str(target), *args[1:])
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no temporary file left behind
    if args[0] == "pcl5" and "--threshold" not in args:
        assert "nothing was written" in str(raised.value)


def test_a_bad_file_leaves_an_earlier_output_untouched(tmp_path: Path) -> None:
    target = write(tmp_path, "earlier results\n", name="out.csv")
    source = write(tmp_path, PCL5_HEADER + "\n" + GOOD_ROW + "\nb,7" + ",1" * 19)
    with pytest.raises(CommandError):
        run_score("pcl5", str(source), "-o", str(target))
    assert target.read_text() == "earlier results\n"


def test_missing_input_and_output_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read it"):
        run_score("pcl5", str(tmp_path / "absent.csv"), "-o", str(tmp_path / "out.csv"))
    source = write(tmp_path, PCL5_HEADER + "\n" + GOOD_ROW)
    with pytest.raises(CommandError, match="no such directory"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "nowhere" / "out.csv"))


def test_usage() -> None:
    with pytest.raises(CommandError, match="usage: attune score"):
        run_score("pcl5")


def test_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 2)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    source = write(tmp_path, PCL5_HEADER + "\n" + "\n".join([GOOD_ROW] * 5) + "\n")
    run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    assert capsys.readouterr().err == "\rscored 2 rows\rscored 4 rows\rscored 5 rows\n"


def _exact(monkeypatch: pytest.MonkeyPatch) -> None:
    def give_way(*args: object, **kwargs: object) -> int:
        raise csvfile._NotUsual

    monkeypatch.setattr(csvfile, "_score_streaming", give_way)


@pytest.mark.parametrize("code", ["brs", "csi16", "ders16", "ecr-rs", "gad7", "mspss", "pcl5", "pcptsd5", "phq9"])
def test_the_streaming_path_writes_exactly_what_the_exact_reader_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    import numpy as np

    from attune.measures.scoring.plan import plan_for

    plan = plan_for(code)
    rng = np.random.default_rng(7)
    columns = csvfile.input_columns(code)
    lines = [",".join([*columns, "note"])]
    for n in range(3000):
        cells = [str(int(rng.choice(list(allowed)))) if rng.random() > 0.1 else "" for allowed in plan.allowed]
        lines.append(",".join([f"r{n}", *cells, "x" if n % 3 else ""]))
    source = write(tmp_path, "\n".join(lines) + "\n")
    calls: list[int] = []
    real = csvfile._score_streaming

    def spy(*args: object, **kwargs: object) -> int:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csvfile, "_score_streaming", spy)
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 1000)
    fast = csvfile.score_csv(code, source, tmp_path / "fast.csv")
    assert calls and (tmp_path / "fast.csv").exists()
    _exact(monkeypatch)
    exact = csvfile.score_csv(code, source, tmp_path / "exact.csv")
    assert fast == exact == 3000
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "exact.csv").read_bytes()


@pytest.mark.parametrize(
    ("cell", "message"),
    [("nan", "'nan' is not a number"), ("9", "9 is not an answer"), ("x", "'x' is not a number")],
)
def test_the_streaming_path_gives_way_and_the_exact_message_names_the_cell(
    tmp_path: Path, cell: str, message: str
) -> None:
    lines = [f"r{n}," + ",".join(["1"] * 20) for n in range(200)]
    lines[150] = "r150," + ",".join(["1"] * 19 + [cell])
    source = write(tmp_path, PCL5_HEADER + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=rf"row 152 \(id 'r150'\), column item20: {message}"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_short_row_among_good_ones_is_named_and_not_read_as_blanks(tmp_path: Path) -> None:
    lines = [f"r{n}," + ",".join(["1"] * 20) for n in range(100)]
    lines[40] = "r40,1,1"
    lines[41] = "r41," + ",".join(["1"] * 38)  # as many commas in all as a good file: still found
    source = write(tmp_path, PCL5_HEADER + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"row 42: 3 cells where the header has 21"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))


def _spy_streaming(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records whether the streaming path finished ("streamed") or gave way ("gave way")."""
    outcomes: list[str] = []
    real = csvfile._score_streaming

    def spy(*args: object, **kwargs: object) -> int:
        try:
            rows = real(*args, **kwargs)  # type: ignore[arg-type]
        except csvfile._NotUsual:
            outcomes.append("gave way")
            raise
        outcomes.append("streamed")
        return rows

    monkeypatch.setattr(csvfile, "_score_streaming", spy)
    return outcomes


@pytest.mark.parametrize(
    ("cell", "outcome"),
    [("3", "streamed"), ("03", "gave way"), ("+3", "gave way"), (" 3", "gave way"), ("\t3", "gave way")],
)
@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_answers_not_written_plainly_come_back_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str, outcome: str, line_end: str
) -> None:
    # The streaming path writes answers in their plain form; the exact reader writes each line as it was.
    lines = [f"r{n}," + ",".join(str((n + i) % 5) for i in range(20)) + ",note" for n in range(300)]
    lines[200] = "r200," + ",".join(["1"] * 10 + [cell] + ["1"] * 9) + ",note"
    source = write(tmp_path, line_end.join([PCL5_HEADER + ",note", *lines]) + line_end)
    outcomes = _spy_streaming(monkeypatch)
    csvfile.score_csv("pcl5", source, tmp_path / "out.csv")
    assert outcomes == [outcome]
    monkeypatch.undo()
    _exact(monkeypatch)
    csvfile.score_csv("pcl5", source, tmp_path / "exact.csv")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "exact.csv").read_bytes()
    assert read(tmp_path / "out.csv")[200]["item11"] == cell


def test_a_short_row_is_named_even_beside_an_answer_with_a_leading_zero(tmp_path: Path) -> None:
    # One byte fewer (a missing cell) and one byte more (01) balance in length, never in commas.
    lines = [f"r{n}," + ",".join(["1"] * 20) for n in range(100)]
    lines[10] = "r10," + ",".join(["1"] * 19) + ","  # blank last answer: as wide as the header
    lines[20] = "r20," + ",".join(["01"] + ["1"] * 19)
    lines[30] = "r30," + ",".join(["1"] * 19)  # one cell short
    source = write(tmp_path, PCL5_HEADER + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"row 32: 20 cells where the header has 21"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_lone_carriage_return_and_text_that_is_not_utf8_give_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"r{n}," + ",".join(["1"] * 20) for n in range(2000)]  # past the first block the reader decodes
    source = tmp_path / "in.csv"
    source.write_bytes((PCL5_HEADER + "\n" + "\n".join(lines) + "\nr\xff," + ",".join(["1"] * 20)).encode("latin-1"))
    outcomes = _spy_streaming(monkeypatch)
    with pytest.raises(CommandError, match="it is not UTF-8 text"):
        run_score("pcl5", str(source), "-o", str(tmp_path / "out.csv"))
    assert outcomes == ["gave way"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    lines[7] = "r7\rx," + ",".join(["1"] * 20)
    source.write_bytes((PCL5_HEADER + "\n" + "\n".join(lines) + "\n").encode())
    assert csvfile._usual_layout(source, 21) is None


def test_the_byte_scan_finds_line_ends_split_between_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvfile, "SCAN_BYTES", 7)
    lines = [f"r{n}," + ",".join(str((n * i) % 5) for i in range(20)) for n in range(40)]
    source = write(tmp_path, "\r\n".join([PCL5_HEADER, *lines]) + "\r\n")
    layout = csvfile._usual_layout(source, 21)
    assert layout is not None
    assert (layout.size, layout.header_bytes, layout.lines) == (source.stat().st_size, len(PCL5_HEADER), 41)
    assert layout.line_end_bytes == 2 * 41
    outcomes = _spy_streaming(monkeypatch)
    csvfile.score_csv("pcl5", source, tmp_path / "out.csv")
    assert outcomes == ["streamed"]
