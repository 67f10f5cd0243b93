"""The skills library: Markdown files with front matter, read once and checked when loaded.

Clinicians extend the library by adding a file to skills/content/ or to the folder named by ATTUNE_SKILLS_DIR.
A file looks like:

    ---
    slug: paced-breathing
    title: Paced breathing
    summary: One line for the library list.
    exercise: pacer            # steps | senses | pacer | timer | phrases | none
    minutes: 3
    order: 20
    next: body-scan            # what "try another skill" offers
    patterns:                  # exercise data: one item per line, fields separated by "|"
      - box | Box breathing | 4,4,4,4
    ---
    Markdown: ## headings, paragraphs, - lists, 1. lists, > quotes, **strong** and *emphasis*.

The body is parsed into plain blocks and rendered by templates with autoescaping, so content files can never
inject markup into a page. Framework-free apart from reading the optional folder from settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
EXERCISES = {"steps", "senses", "pacer", "timer", "phrases", "none"}
REQUIRED = ("slug", "title", "summary", "exercise")


class ContentError(ValueError):
    """A content file that does not follow the format; the message names the file."""


@dataclass(frozen=True)
class Span:
    text: str
    style: str = ""  # "", "strong" or "em"


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3", "p", "ul", "ol", "quote"
    spans: tuple[Span, ...] = ()
    items: tuple[tuple[Span, ...], ...] = ()


@dataclass(frozen=True)
class Step:
    label: str
    hint: str = ""
    count: int = 0
    seconds: int = 0


@dataclass(frozen=True)
class Pattern:
    slug: str
    label: str
    phases: tuple[int, int, int, int]  # breathe in, hold, breathe out, hold (seconds)

    @property
    def per_minute(self) -> float:
        return round(60 / sum(self.phases), 1)

    @property
    def phases_csv(self) -> str:
        return ",".join(str(p) for p in self.phases)


@dataclass(frozen=True)
class Skill:
    slug: str
    title: str
    summary: str
    exercise: str
    minutes: int = 0
    order: int = 100
    next: str = ""
    intro: str = ""
    short_title: str = ""
    blocks: tuple[Block, ...] = ()
    steps: tuple[Step, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def short(self) -> str:
        """A name that fits a chart label on a phone."""
        return self.short_title or self.title

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.steps)


# --- front matter --------------------------------------------------------------------------------------------


def split_front_matter(text: str, name: str) -> tuple[dict[str, str | list[str]], str]:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{name}: a skill file starts with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration as exc:
        raise ContentError(f"{name}: the front matter has no closing '---' line") from exc
    meta: dict[str, str | list[str]] = {}
    current: str | None = None
    for number, raw in enumerate(lines[1:end], start=2):
        line = raw.split(" #", 1)[0].rstrip() if " #" in raw and not raw.lstrip().startswith("- ") else raw.rstrip()
        if not line.strip():
            continue
        if line.lstrip().startswith("- "):
            value = meta.get(current or "")
            if current is None or not isinstance(value, list):
                raise ContentError(f"{name}:{number}: a list item needs a 'key:' line above it")
            value.append(line.lstrip()[2:].strip())
            continue
        key, sep, rest = line.partition(":")
        if not sep or not re.fullmatch(r"[a-z_]+", key.strip()):
            raise ContentError(f"{name}:{number}: expected 'key: value'")
        current = key.strip()
        if current in meta:
            raise ContentError(f"{name}:{number}: '{current}' appears twice")
        meta[current] = rest.strip() if rest.strip() else []
    return meta, "\n".join(lines[end + 1 :])


# --- body ------------------------------------------------------------------------------------------------------

_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def spans(text: str) -> tuple[Span, ...]:
    out: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            out.append(Span(text[position : match.start()]))
        out.append(Span(match.group(1), "strong") if match.group(1) else Span(match.group(2), "em"))
        position = match.end()
    if position < len(text):
        out.append(Span(text[position:]))
    return tuple(out)


def parse_body(text: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[tuple[Span, ...]] = []
    list_kind = ""

    def flush() -> None:
        nonlocal list_kind
        if paragraph:
            kind = "quote" if paragraph[0].startswith(">") else "p"
            words = " ".join(p.lstrip("> ").strip() for p in paragraph)
            blocks.append(Block(kind, spans(words)))
            paragraph.clear()
        if items:
            blocks.append(Block(list_kind, items=tuple(items)))
            items.clear()
            list_kind = ""

    for raw in text.split("\n"):
        line = raw.strip()
        heading = re.match(r"(#{2,3})\s+(.*)", line)
        bullet = re.match(r"[-*]\s+(.*)", line)
        numbered = re.match(r"\d+[.)]\s+(.*)", line)
        if not line:
            flush()
        elif heading:
            flush()
            blocks.append(Block(f"h{len(heading.group(1))}", spans(heading.group(2))))
        elif bullet or numbered:
            kind = "ul" if bullet else "ol"
            if paragraph or (items and kind != list_kind):
                flush()
            list_kind = kind
            items.append(spans((bullet or numbered).group(1)))  # type: ignore[union-attr]
        elif items:
            # A continuation line of the last list item.
            items[-1] = (*items[-1], *spans(" " + line))
        else:
            paragraph.append(line)
    flush()
    return tuple(blocks)


# --- one file ---------------------------------------------------------------------------------------------------


def _fields(item: str, name: str, count: int) -> list[str]:
    parts = [p.strip() for p in item.split("|")]
    if len(parts) > count:
        raise ContentError(f"{name}: '{item}' has more than {count} fields")
    return parts + [""] * (count - len(parts))


def _int(value: str, name: str, what: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value or ""):
        raise ContentError(f"{name}: {what} must be a whole number, not {value!r}")
    return int(value)


def _steps(meta: dict[str, str | list[str]], exercise: str, name: str) -> tuple[Step, ...]:
    raw = meta.get("steps", [])
    if not isinstance(raw, list):
        raise ContentError(f"{name}: steps must be a list")
    steps = []
    for item in raw:
        if exercise == "senses":
            count, label, hint = _fields(item, name, 3)
            steps.append(Step(label=label, hint=hint, count=_int(count, name, "a step's count")))
        elif exercise == "timer":
            seconds, label, hint = _fields(item, name, 3)
            steps.append(Step(label=label, hint=hint, seconds=_int(seconds, name, "a step's seconds")))
        else:
            label, hint = _fields(item, name, 2)
            steps.append(Step(label=label, hint=hint))
    if exercise in {"steps", "senses", "timer"} and not steps:
        raise ContentError(f"{name}: a '{exercise}' exercise needs steps")
    if any(not s.label for s in steps):
        raise ContentError(f"{name}: every step needs a label")
    return tuple(steps)


def _patterns(meta: dict[str, str | list[str]], exercise: str, name: str) -> tuple[Pattern, ...]:
    raw = meta.get("patterns", [])
    if not isinstance(raw, list):
        raise ContentError(f"{name}: patterns must be a list")
    patterns = []
    for item in raw:
        slug, label, phases = _fields(item, name, 3)
        numbers = [_int(p.strip(), name, "a breathing phase") for p in phases.split(",")]
        if len(numbers) != 4 or numbers[0] == 0 or numbers[2] == 0 or max(numbers) > 20:
            raise ContentError(f"{name}: pattern {slug!r} needs four phases (in, hold, out, hold) of 0-20 seconds")
        if not re.fullmatch(r"[a-z0-9-]{1,30}", slug):
            raise ContentError(f"{name}: pattern slug {slug!r} must be short, lowercase letters, digits and dashes")
        patterns.append(Pattern(slug, label or slug, (numbers[0], numbers[1], numbers[2], numbers[3])))
    if exercise == "pacer" and not patterns:
        raise ContentError(f"{name}: a pacer needs at least one pattern")
    return tuple(patterns)


def parse_skill(text: str, name: str) -> Skill:
    meta, body = split_front_matter(text, name)
    for key in REQUIRED:
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ContentError(f"{name}: '{key}' is required")
    slug, exercise = str(meta["slug"]), str(meta["exercise"])
    if not re.fullmatch(r"[a-z0-9-]{2,60}", slug):
        raise ContentError(f"{name}: the slug must be 2-60 lowercase letters, digits and dashes")
    if exercise not in EXERCISES:
        raise ContentError(f"{name}: exercise must be one of {sorted(EXERCISES)}")
    return Skill(
        slug=slug,
        title=str(meta["title"]),
        summary=str(meta["summary"]),
        exercise=exercise,
        minutes=_int(str(meta.get("minutes", "0")), name, "minutes"),
        order=_int(str(meta.get("order", "100")), name, "order"),
        next=str(meta.get("next", "")),
        intro=str(meta.get("intro", "")),
        short_title=str(meta.get("short", "")),
        blocks=parse_body(body),
        steps=_steps(meta, exercise, name),
        patterns=_patterns(meta, exercise, name),
        source=name,
    )


# --- the library --------------------------------------------------------------------------------------------


def load(folders: list[Path]) -> dict[str, Skill]:
    skills: dict[str, Skill] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            skill = parse_skill(path.read_text(encoding="utf-8"), path.name)
            if skill.slug in skills:
                raise ContentError(f"{path.name}: the slug {skill.slug!r} is used by {skills[skill.slug].source}")
            skills[skill.slug] = skill
    for skill in skills.values():
        if skill.next and skill.next not in skills:
            raise ContentError(f"{skill.source}: next names {skill.next!r}, which is not in the library")
    return dict(sorted(skills.items(), key=lambda item: (item[1].order, item[1].title)))


def _folders() -> list[Path]:
    from django.conf import settings

    extra = getattr(settings, "ATTUNE_SKILLS_DIR", None)
    return [CONTENT_DIR, *([Path(extra)] if extra else [])]


@lru_cache(maxsize=1)
def library() -> dict[str, Skill]:
    return load(_folders())


def all_skills() -> list[Skill]:
    return list(library().values())


def get(slug: str) -> Skill | None:
    return library().get(slug)


def choices() -> list[tuple[str, str]]:
    return [(s.slug, s.title) for s in all_skills()]


def title_of(slug: str) -> str:
    skill = get(slug)
    return skill.title if skill else slug


def short_of(slug: str) -> str:
    skill = get(slug)
    return skill.short if skill else slug


def next_after(skill: Skill, avoid: set[str] | None = None) -> Skill | None:
    """What "try another skill" offers: the skill's own `next`, else the following one in library order."""
    skills = all_skills()
    candidate = get(skill.next) if skill.next else None
    if candidate is not None and candidate.slug not in (avoid or set()):
        return candidate
    index = next(i for i, s in enumerate(skills) if s.slug == skill.slug)
    for other in skills[index + 1 :] + skills[:index]:
        if other.slug not in (avoid or set()):
            return other
    return None


def ordered_for(recommended: set[str]) -> list[tuple[Skill, bool]]:
    """The library with recommended skills first, each with whether it is recommended."""
    skills = all_skills()
    return [(s, True) for s in skills if s.slug in recommended] + [
        (s, False) for s in skills if s.slug not in recommended
    ]
