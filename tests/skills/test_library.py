"""The skills library: content files parse and link up, bad files fail loudly with their name, and content can
never inject markup (the body is parsed into plain blocks that templates escape)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.skills import library

GOOD = """---
slug: test-skill
title: A test skill
summary: Something small.
exercise: steps
steps:
  - Pause | Take a breath.
  - Notice
---
## Heading

A paragraph with **strong** and *soft* words,
over two lines.

- one
- two

1. first
"""


def test_the_shipped_library_has_the_six_skills() -> None:
    slugs = [s.slug for s in library.all_skills()]
    assert slugs == [
        "grounding-54321",
        "paced-breathing",
        "body-scan",
        "grounding-phrases",
        "pause-and-reflect",
        "consent-check-in",
    ]
    pacer = library.get("paced-breathing")
    assert pacer is not None
    assert {p.slug: p.phases for p in pacer.patterns} == {"six": (5, 0, 5, 0), "box": (4, 4, 4, 4), "478": (4, 7, 8, 0)}
    assert [p.per_minute for p in pacer.patterns] == [6.0, 3.8, 3.2]
    senses = library.get("grounding-54321")
    assert senses is not None and [s.count for s in senses.steps] == [5, 4, 3, 2, 1]
    scan = library.get("body-scan")
    assert scan is not None and scan.exercise == "timer" and scan.total_seconds > 120


def test_try_another_skill_goes_round_the_whole_library() -> None:
    skill, seen = library.all_skills()[0], []
    for _ in library.all_skills():
        seen.append(skill.slug)
        nxt = library.next_after(skill)
        assert nxt is not None
        skill = nxt
    assert sorted(seen) == sorted(s.slug for s in library.all_skills())


def test_recommended_skills_come_first() -> None:
    ordered = library.ordered_for({"consent-check-in"})
    assert ordered[0] == (library.get("consent-check-in"), True)
    assert all(not recommended for _s, recommended in ordered[1:])


def test_a_good_file_parses() -> None:
    skill = library.parse_skill(GOOD, "good.md")
    assert [s.label for s in skill.steps] == ["Pause", "Notice"] and skill.steps[0].hint == "Take a breath."
    kinds = [b.kind for b in skill.blocks]
    assert kinds == ["h2", "p", "ul", "ol"]
    paragraph = skill.blocks[1]
    assert [s.style for s in paragraph.spans] == ["", "strong", "", "em", ""]
    assert "over two lines" in "".join(s.text for s in paragraph.spans)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "starts with a '---'"),
        ("---\nslug: x\n", "no closing"),
        (GOOD.replace("slug: test-skill\n", ""), "'slug' is required"),
        (GOOD.replace("exercise: steps", "exercise: dance"), "exercise must be one of"),
        (GOOD.replace("slug: test-skill", "slug: Bad Slug"), "slug must be"),
        (
            GOOD.replace("exercise: steps\nsteps:\n  - Pause | Take a breath.\n  - Notice\n", "exercise: steps\n"),
            "needs steps",
        ),
        (GOOD.replace("title: A test skill", "title: A\ntitle: B"), "appears twice"),
        ("---\nslug: pp\ntitle: P\nsummary: s\nexercise: pacer\npatterns:\n  - x | X | 4,4\n---\n", "four phases"),
        (
            "---\nslug: pp\ntitle: P\nsummary: s\nexercise: senses\nsteps:\n  - five | things | hint\n---\n",
            "whole number",
        ),
    ],
)
def test_bad_files_fail_with_their_name(text: str, message: str) -> None:
    with pytest.raises(library.ContentError) as caught:
        library.parse_skill(text, "broken.md")
    assert "broken.md" in str(caught.value) and message in str(caught.value)


def test_a_folder_with_a_duplicate_or_a_dangling_next_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD)
    with pytest.raises(library.ContentError, match=r"used by a\.md"):
        library.load([tmp_path])
    (tmp_path / "b.md").unlink()
    (tmp_path / "a.md").write_text(GOOD.replace("exercise: steps", "exercise: steps\nnext: nowhere"))
    with pytest.raises(library.ContentError, match="not in the library"):
        library.load([tmp_path])


def test_a_practice_can_add_skills_from_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "extra.md").write_text(GOOD)
    skills = library.load([library.CONTENT_DIR, tmp_path])
    assert "test-skill" in skills and "paced-breathing" in skills


@given(st.text(max_size=300))
def test_any_body_parses_into_plain_text_blocks(body: str) -> None:
    blocks = library.parse_body(body)
    for block in blocks:
        assert block.kind in {"h2", "h3", "p", "ul", "ol", "quote"}
        for span in [*block.spans, *(s for item in block.items for s in item)]:
            assert isinstance(span.text, str) and span.style in {"", "strong", "em"}


def test_markup_in_content_is_shown_as_text(client_for, cast) -> None:
    from django.template.loader import render_to_string

    skill = library.parse_skill(GOOD.replace("## Heading", "## <img src=x onerror=alert(1)>"), "x.md")
    html = render_to_string("skills/_blocks.html", {"blocks": skill.blocks})
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_bold_text_is_followed_by_its_punctuation_without_a_space() -> None:
    """A span's template must not end in a newline: "**Breathe out**." would read "Breathe out ." on the page."""
    import re

    from django.template.loader import render_to_string

    blocks = library.parse_body("Then **breathe out**, slowly. Keep *going*.")
    html = render_to_string("skills/_blocks.html", {"blocks": blocks})
    assert "<strong>breathe out</strong>, slowly" in html and "<em>going</em>." in html
    assert not re.search(r"</(strong|em)>\s+[.,;:!?]", html)
