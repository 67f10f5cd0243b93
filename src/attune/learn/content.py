"""Learning content as data: psychoeducation modules, consent rehearsals and phrase starters, read once and
checked when loaded, in the skills library's manner (skills/library.py parses the front matter and the body).

Practices extend the content by adding files to learn/content/modules/ or learn/content/rehearsals/, or to the
folder named by ATTUNE_LEARN_DIR (with the same two subfolders). A broken file stops the load with a message that
names the file and what is wrong, so a mistake is found at start-up, never by a client.

A module:

    ---
    slug: window-of-tolerance
    title: The window of tolerance
    summary: The plain-language summary, shown first.
    minutes: 4                     # reading time, 1-5; checked against the words
    order: 40
    review_by: 2027-11-01          # when the team reads it again
    sources:                       # for clinicians; at least one
      - Siegel, D. J. (1999). The Developing Mind. Guilford Press.
    practices:                     # what puts it into practice: skill:, rehearsal:, exercise:, module:
      - skill:grounding-54321
      - exercise:thought-record
    ---
    Markdown body (## headings, paragraphs, lists, quotes, **strong**, *emphasis*).

A rehearsal: the other person's lines are nodes, the client's replies are choices; "end" finishes.

    ---
    slug: saying-not-now
    title: Saying "not now" and staying close
    summary: One line for the list.
    order: 20
    other: Your partner            # who speaks the lines
    start: offer
    nodes:                         # id | where writing your own reply leads | their line
      - offer | after | "Shall we go upstairs?"
    choices:                       # node | next | your reply | what it protects | what it asks for
      - offer | after | Not tonight, but stay close. | Your own pace. | Closeness without sex.
    ---
    Markdown: what this practice is about.

Bodies are parsed into plain blocks and rendered with autoescaping, so content can never inject markup.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from attune.skills import library as skills
from attune.skills.library import Block, ContentError, parse_body, split_front_matter

CONTENT_DIR = Path(__file__).resolve().parent / "content"
MAX_MINUTES = 5
WORDS_PER_MINUTE = 200  # a slow, careful reading pace on a phone
# The exercises of this app that a module can point to (exercise:<name>), with their page names.
EXERCISES = {
    "thought-record": "Thought record",
    "externalising": "Naming the story",
    "letter": "A letter never sent",
    "rewriting": "Rewriting the story",
    "pause": "Pause and reflect",
    "phrases": "Phrase builder",
}
END = "end"
__all__ = ["ContentError", "Module", "Rehearsal", "load"]


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    minutes: int
    order: int
    review_by: datetime.date
    sources: tuple[str, ...]
    practices: tuple[tuple[str, str], ...]  # (kind, slug)
    blocks: tuple[Block, ...]
    words: int
    source: str = field(default="", compare=False)


_SCENE = re.compile(r"^\((.+?)\)\s*(.*)$", re.DOTALL)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text


@dataclass(frozen=True)
class Node:
    id: str
    after: str  # where a reply in the client's own words leads
    line: str  # an optional scene in brackets first, then the words spoken

    @property
    def scene(self) -> str:
        match = _SCENE.match(self.line)
        return match.group(1) if match else ""

    @property
    def words(self) -> str:
        match = _SCENE.match(self.line)
        return _unquote((match.group(2) if match else self.line).strip())


@dataclass(frozen=True)
class Choice:
    node: str
    next: str
    reply: str
    protects: str
    asks: str

    @property
    def spoken(self) -> str:
        """The words of the reply without quotation marks or an action in brackets ("" for an action alone)."""
        match = _SCENE.match(self.reply)
        if match and not match.group(2):
            return ""
        text = self.reply if not match else (self.reply if self.reply.startswith('"') else match.group(2))
        return _unquote(re.sub(r"\s*\(.*?\)\s*$", "", text).strip())


@dataclass(frozen=True)
class Rehearsal:
    slug: str
    title: str
    summary: str
    order: int
    other: str
    start: str
    nodes: tuple[Node, ...]
    choices: tuple[Choice, ...]
    blocks: tuple[Block, ...]
    source: str = field(default="", compare=False)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def choices_at(self, node_id: str) -> list[Choice]:
        return [c for c in self.choices if c.node == node_id]


@dataclass(frozen=True)
class Phrases:
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, starters)


@dataclass(frozen=True)
class Content:
    modules: dict[str, Module]
    rehearsals: dict[str, Rehearsal]
    phrases: Phrases


# --- helpers ------------------------------------------------------------------------------------------------------


def _text(meta: dict[str, str | list[str]], key: str, name: str, required: bool = True) -> str:
    value = meta.get(key, "")
    if not isinstance(value, str):
        raise ContentError(f"{name}: '{key}' must be one line, not a list")
    if required and not value:
        raise ContentError(f"{name}: '{key}' is required")
    return value


def _list(meta: dict[str, str | list[str]], key: str, name: str) -> list[str]:
    value = meta.get(key, [])
    if not isinstance(value, list):
        raise ContentError(f"{name}: '{key}' must be a list of '- ' lines")
    return value


def _int(value: str, name: str, what: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value or ""):
        raise ContentError(f"{name}: {what} must be a whole number, not {value!r}")
    return int(value)


def _slug(value: str, name: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]{2,60}", value):
        raise ContentError(f"{name}: the slug must be 2-60 lowercase letters, digits and dashes")
    return value


def _fields(item: str, name: str, count: int) -> list[str]:
    parts = [p.strip() for p in item.split("|")]
    if len(parts) != count or not all(parts):
        raise ContentError(f"{name}: '{item[:60]}' needs {count} fields separated by '|'")
    return parts


def block_text(blocks: tuple[Block, ...]) -> str:
    out = []
    for b in blocks:
        out.append("".join(s.text for s in b.spans))
        out.extend("".join(s.text for s in item) for item in b.items)
    return "\n".join(out)


# --- modules ------------------------------------------------------------------------------------------------------


def parse_module(text: str, name: str) -> Module:
    meta, body = split_front_matter(text, name)
    slug = _slug(_text(meta, "slug", name), name)
    minutes = _int(_text(meta, "minutes", name), name, "minutes")
    if not 1 <= minutes <= MAX_MINUTES:
        raise ContentError(f"{name}: minutes must be 1-{MAX_MINUTES}: a module is read in under five minutes")
    try:
        review_by = datetime.date.fromisoformat(_text(meta, "review_by", name))
    except ValueError as exc:
        raise ContentError(f"{name}: review_by must be a date like 2027-11-01") from exc
    sources = _list(meta, "sources", name)
    if not sources:
        raise ContentError(f"{name}: list at least one source for clinicians under 'sources'")
    practices = []
    for item in _list(meta, "practices", name):
        kind, sep, target = item.partition(":")
        if not sep or kind not in {"skill", "rehearsal", "exercise", "module"} or not target:
            raise ContentError(f"{name}: practice {item!r} must be skill:, rehearsal:, exercise: or module: a slug")
        practices.append((kind, target.strip()))
    blocks = parse_body(body)
    if not blocks:
        raise ContentError(f"{name}: the module has no text")
    words = len(block_text(blocks).split()) + len(_text(meta, "summary", name).split())
    needed = -(-words // WORDS_PER_MINUTE)
    if needed > MAX_MINUTES:
        raise ContentError(f"{name}: {words} words take about {needed} minutes to read; keep a module under five")
    if needed > minutes:
        raise ContentError(f"{name}: minutes says {minutes}, but {words} words take about {needed}")
    return Module(
        slug=slug,
        title=_text(meta, "title", name),
        summary=_text(meta, "summary", name),
        minutes=minutes,
        order=_int(_text(meta, "order", name, required=False) or "100", name, "order"),
        review_by=review_by,
        sources=tuple(sources),
        practices=tuple(practices),
        blocks=blocks,
        words=words,
        source=name,
    )


# --- rehearsals ---------------------------------------------------------------------------------------------------


def parse_rehearsal(text: str, name: str) -> Rehearsal:
    meta, body = split_front_matter(text, name)
    slug = _slug(_text(meta, "slug", name), name)
    nodes = [Node(*_fields(item, name, 3)) for item in _list(meta, "nodes", name)]
    choices = [Choice(*_fields(item, name, 5)) for item in _list(meta, "choices", name)]
    ids = [n.id for n in nodes]
    if not nodes:
        raise ContentError(f"{name}: a rehearsal needs at least one line under 'nodes'")
    if len(set(ids)) != len(ids):
        raise ContentError(f"{name}: two nodes share an id")
    if END in ids:
        raise ContentError(f"{name}: '{END}' is kept for the end of the conversation")
    start = _text(meta, "start", name)
    if start not in ids:
        raise ContentError(f"{name}: start names {start!r}, which is not a node")
    for node in nodes:
        if node.after != END and node.after not in ids:
            raise ContentError(f"{name}: node {node.id!r} leads to {node.after!r}, which is not a node")
        if len([c for c in choices if c.node == node.id]) < 2:
            raise ContentError(f"{name}: node {node.id!r} needs at least two replies to choose from")
    for choice in choices:
        if choice.node not in ids:
            raise ContentError(f"{name}: a reply belongs to {choice.node!r}, which is not a node")
        if choice.next != END and choice.next not in ids:
            raise ContentError(f"{name}: a reply leads to {choice.next!r}, which is not a node")
    # Every node must be reachable from the start, and the end reachable from every node.
    edges = {n.id: {n.after} | {c.next for c in choices if c.node == n.id} for n in nodes}
    seen, todo = {start}, [start]
    while todo:
        for target in edges[todo.pop()]:
            if target != END and target not in seen:
                seen.add(target)
                todo.append(target)
    if set(ids) - seen:
        raise ContentError(f"{name}: no path leads to {sorted(set(ids) - seen)}")
    ends = {END}
    changed = True
    while changed:
        changed = False
        for node_id, targets in edges.items():
            if node_id not in ends and targets & ends:
                ends.add(node_id)
                changed = True
    if set(ids) - ends:
        raise ContentError(f"{name}: the conversation never ends from {sorted(set(ids) - ends)}")
    return Rehearsal(
        slug=slug,
        title=_text(meta, "title", name),
        summary=_text(meta, "summary", name),
        order=_int(_text(meta, "order", name, required=False) or "100", name, "order"),
        other=_text(meta, "other", name),
        start=start,
        nodes=tuple(nodes),
        choices=tuple(choices),
        blocks=parse_body(body),
        source=name,
    )


def parse_phrases(text: str, name: str) -> Phrases:
    meta, _body = split_front_matter(text, name)
    headings = _list(meta, "groups", name)
    groups = []
    for heading in headings:
        key, _sep, label = heading.partition("|")
        starters = _list(meta, key.strip(), name)
        if not label.strip() or not starters:
            raise ContentError(f"{name}: group {heading!r} needs 'key | Heading' and a list under its key")
        groups.append((label.strip(), tuple(starters)))
    if not groups:
        raise ContentError(f"{name}: list the groups of phrases under 'groups'")
    return Phrases(tuple(groups))


# --- loading ------------------------------------------------------------------------------------------------------


def _check_links(modules: dict[str, Module], rehearsals: dict[str, Rehearsal]) -> None:
    for module in modules.values():
        for kind, target in module.practices:
            known = {
                "skill": skills.get(target) is not None,
                "rehearsal": target in rehearsals,
                "exercise": target in EXERCISES,
                "module": target in modules and target != module.slug,
            }[kind]
            if not known:
                raise ContentError(f"{module.source}: practice {kind}:{target} is not in the library")


def load(folders: list[Path]) -> Content:
    modules: dict[str, Module] = {}
    rehearsals: dict[str, Rehearsal] = {}
    phrases: Phrases | None = None
    for folder in folders:
        for path in sorted((folder / "modules").glob("*.md")):
            module = parse_module(path.read_text(encoding="utf-8"), path.name)
            if module.slug in modules:
                raise ContentError(f"{path.name}: the slug {module.slug!r} is used by {modules[module.slug].source}")
            modules[module.slug] = module
        for path in sorted((folder / "rehearsals").glob("*.md")):
            rehearsal = parse_rehearsal(path.read_text(encoding="utf-8"), path.name)
            if rehearsal.slug in rehearsals:
                raise ContentError(f"{path.name}: the slug {rehearsal.slug!r} is used by another rehearsal")
            rehearsals[rehearsal.slug] = rehearsal
        if (folder / "phrases.md").exists():
            phrases = parse_phrases((folder / "phrases.md").read_text(encoding="utf-8"), "phrases.md")
    _check_links(modules, rehearsals)
    return Content(
        modules=dict(sorted(modules.items(), key=lambda i: (i[1].order, i[1].title))),
        rehearsals=dict(sorted(rehearsals.items(), key=lambda i: (i[1].order, i[1].title))),
        phrases=phrases or Phrases(()),
    )


def _folders() -> list[Path]:
    from django.conf import settings

    extra = getattr(settings, "ATTUNE_LEARN_DIR", None)
    return [CONTENT_DIR, *([Path(extra)] if extra else [])]


@lru_cache(maxsize=1)
def content() -> Content:
    return load(_folders())


def modules() -> list[Module]:
    return list(content().modules.values())


def module(slug: str) -> Module | None:
    return content().modules.get(slug)


def rehearsals() -> list[Rehearsal]:
    return list(content().rehearsals.values())


def rehearsal(slug: str) -> Rehearsal | None:
    return content().rehearsals.get(slug)


def phrase_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return content().phrases.groups


def practice_link(kind: str, target: str) -> tuple[str, str]:
    """A module's practice as (title, kind) for the page; the page builds the URL from kind and slug."""
    if kind == "skill":
        return skills.title_of(target), kind
    if kind == "rehearsal":
        found = rehearsal(target)
        return (found.title if found else target), kind
    if kind == "module":
        found_module = module(target)
        return (found_module.title if found_module else target), kind
    return EXERCISES.get(target, target), kind
