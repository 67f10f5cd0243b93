"""The content as data: every shipped file loads; a broken file is refused with a message naming the file and what
is wrong; a practice's folder extends the content; and client-facing text never uses the banned words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attune.learn import content
from attune.learn.content import ContentError

TEMPLATES = Path(content.__file__).resolve().parent.parent / "templates" / "learn"

MODULE = """---
slug: test-module
title: A test module
summary: A plain summary.
minutes: 2
review_by: 2027-01-01
sources:
  - Someone (2020). A book. A publisher.
practices:
  - skill:grounding-54321
---
Some words to read.
"""

REHEARSAL = """---
slug: test-rehearsal
title: A test rehearsal
summary: One line.
other: Your partner
start: one
nodes:
  - one | two | "First line"
  - two | end | "Second line"
choices:
  - one | two | Reply A | Protects A | Asks A
  - one | end | Reply B | Protects B | Asks B
  - two | end | Reply C | Protects C | Asks C
  - two | end | Reply D | Protects D | Asks D
---
Why.
"""


def test_the_shipped_content_loads_with_seven_modules_and_seven_rehearsals() -> None:
    loaded = content.load([content.CONTENT_DIR])
    assert set(loaded.modules) == {
        "threat-responses",
        "coercion-scripts",
        "attachment",
        "window-of-tolerance",
        "consent",
        "shame-and-self-blame",
        "how-therapy-works",
    }
    assert set(loaded.rehearsals) == {
        "asking-before-touch",
        "saying-not-now",
        "hearing-not-now",
        "pausing-in-the-middle",
        "changing-your-mind",
        "talking-about-pacing",
        "boundary-outside-the-bedroom",
    }
    for module in loaded.modules.values():
        assert module.minutes <= 5 and module.words <= 5 * content.WORDS_PER_MINUTE
        assert len(module.sources) >= 3, f"{module.slug}: list the sources for clinicians"
        assert module.practices, f"{module.slug}: link it to practice"
        assert module.blocks[0].kind != "p" or module.summary  # the plain summary comes first on the page
    for rehearsal in loaded.rehearsals.values():
        for node in rehearsal.nodes:
            assert len(rehearsal.choices_at(node.id)) >= 2
        assert all(c.protects and c.asks for c in rehearsal.choices)
    assert loaded.phrases.groups


def write(folder: Path, kind: str, name: str, text: str) -> None:
    (folder / kind).mkdir(parents=True, exist_ok=True)
    (folder / kind / name).write_text(text, encoding="utf-8")


def test_a_practice_folder_extends_the_content(tmp_path: Path) -> None:
    write(tmp_path, "modules", "extra.md", MODULE)
    write(tmp_path, "rehearsals", "extra.md", REHEARSAL.replace("start: one", "start: one\norder: 5"))
    loaded = content.load([content.CONTENT_DIR, tmp_path])
    assert "test-module" in loaded.modules and "test-rehearsal" in loaded.rehearsals
    assert loaded.modules["test-module"].practices == (("skill", "grounding-54321"),)


BROKEN_MODULES = [
    (MODULE.replace("slug: test-module\n", ""), "'slug' is required"),
    (MODULE.replace("minutes: 2", "minutes: 9"), "minutes must be 1-5"),
    (MODULE.replace("minutes: 2", "minutes: 1").replace("Some words to read.", "word " * 400), "minutes says 1"),
    (MODULE.replace("Some words to read.", "word " * 1200), "keep a module under five"),
    (MODULE.replace("2027-01-01", "next spring"), "review_by must be a date"),
    (MODULE.replace("sources:\n  - Someone (2020). A book. A publisher.\n", ""), "at least one source"),
    (MODULE.replace("skill:grounding-54321", "skill:no-such-skill"), "skill:no-such-skill is not in the library"),
    (MODULE.replace("skill:grounding-54321", "video:intro"), "must be skill:, rehearsal:, exercise: or module:"),
    (MODULE.replace("---\nslug", "slug", 1), "starts with a '---' line"),
    (MODULE.replace("Some words to read.", ""), "has no text"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN_MODULES)
def test_a_broken_module_is_refused_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "modules", "broken.md", text)
    with pytest.raises(ContentError) as caught:
        content.load([tmp_path])
    assert "broken.md" in str(caught.value) and message in str(caught.value)


BROKEN_REHEARSALS = [
    (REHEARSAL.replace("start: one", "start: three"), "start names 'three'"),
    (REHEARSAL.replace("  - two | end | Reply D | Protects D | Asks D\n", ""), "needs at least two replies"),
    (REHEARSAL.replace("one | two | Reply A", "one | nowhere | Reply A"), "leads to 'nowhere'"),
    (REHEARSAL.replace("Reply C | Protects C | Asks C", "Reply C | Protects C"), "needs 5 fields"),
    (
        REHEARSAL.replace('  - two | end | "Second line"', '  - two | two | "Second line"')
        .replace("two | end | Reply C", "two | two | Reply C")
        .replace("two | end | Reply D", "two | two | Reply D"),
        "never ends",
    ),
    (
        REHEARSAL.replace("one | two | Reply A", "one | end | Reply A").replace(
            'one | two | "First', 'one | end | "First'
        ),
        "no path leads to ['two']",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN_REHEARSALS)
def test_a_broken_rehearsal_is_refused_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "rehearsals", "broken.md", text)
    with pytest.raises(ContentError) as caught:
        content.load([tmp_path])
    assert "broken.md" in str(caught.value) and message in str(caught.value)


def test_two_files_with_one_slug_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "modules", "a.md", MODULE)
    write(tmp_path, "modules", "b.md", MODULE)
    with pytest.raises(ContentError, match=re.escape("b.md: the slug 'test-module' is used by a.md")):
        content.load([tmp_path])


# --- banned words in client-facing text ------------------------------------------------------------------------

# Pathologising labels and commands (DESIGN.md's voice): "victim" as a label, "failure", "disorder", "must",
# "should have". Sources are for clinicians and are checked by no rule here (titles of papers are what they are).
BANNED = re.compile(r"\b(disorders?|victims?|failures?|failed|must|mustn't|should have|should've)\b", re.IGNORECASE)


def client_facing() -> list[tuple[str, str]]:
    loaded = content.load([content.CONTENT_DIR])
    texts: list[tuple[str, str]] = []
    for m in loaded.modules.values():
        texts += [(m.source, m.title), (m.source, m.summary), (m.source, content.block_text(m.blocks))]
    for r in loaded.rehearsals.values():
        texts += [
            (r.source, r.title),
            (r.source, r.summary),
            (r.source, r.other),
            (r.source, content.block_text(r.blocks)),
        ]
        texts += [(r.source, n.line) for n in r.nodes]
        texts += [(r.source, f"{c.reply} {c.protects} {c.asks}") for c in r.choices]
    for heading, starters in loaded.phrases.groups:
        texts += [("phrases.md", heading), *[("phrases.md", s) for s in starters]]
    from attune.learn import forms, inputs, services

    texts += [("forms.PROMPTS", p) for p in forms.PROMPTS.values()]
    texts += [("inputs.WINDOW", w) for w in inputs.WINDOW.values()]
    texts += [("services.OWN", services.OWN_PROTECTS + services.OWN_ASKS)]
    for path in sorted(TEMPLATES.glob("*.html")):
        if not path.name.startswith("staff_") and not path.name.startswith("catalogue"):
            texts.append((path.name, re.sub(r"{[%{#].*?[%}#]}", " ", path.read_text(encoding="utf-8"))))
    return texts


def test_client_facing_text_has_no_banned_words() -> None:
    found = [(where, match.group(0)) for where, text in client_facing() for match in BANNED.finditer(text)]
    assert not found, f"banned words in client-facing text: {found}"


def test_the_banned_words_check_can_fail() -> None:
    for sample in ("You must rest.", "It was a failure.", "a victim of", "a panic disorder", "I should have known"):
        assert BANNED.search(sample), sample
    assert not BANNED.search("mustard is fine, and so is a victory")
