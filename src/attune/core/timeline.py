"""What happened in a client's care between two moments, gathered across capabilities that sit side by side: the
summary a clinician pulls into a draft session note ("since the last session"), without the clinical record
importing the diary, monitoring, learning or the skills engine.

A capability that keeps something worth telling registers a provider in its `AppConfig.ready()`:

    timeline.register("diary", diary_timeline.since)

A provider takes the caller's `Access` and the window, and returns `Item`s: a moment and one line of plain text.
It answers only what this caller may see: it asks `access.can(perm)` for its read permission first (so a
category the client withholds from this clinician gives nothing, and a break-glass read stays a break-glass
read), reads through `policy.scoped` (so a row the client keeps private never appears), and audits what it
returns as read with `access.shown(...)`. The caller decides what to do with the lines; here they become
editable text in a draft the clinician writes.

Why a registry of its own, beside `core/suggestions.py` and `skills/journal.py`: suggestions return codes and
labels, never the client's words, for the client to pick from; the journal links rows by id. A timeline line
carries the words the clinician may already read on the capability's own pages, with a time, for the care
team's record. Three shapes, three small registries, one rule (the caller's Access) for all of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from attune.core.policy import Access


@dataclass(frozen=True, order=True)
class Item:
    when: datetime.datetime
    heading: str  # the group it is listed under ("Diary", "Questionnaires", "Alerts", "Practice")
    text: str  # one line of plain text, starting with the date
    # The same in plain words for the client, where a provider offers it (a client's version of a review): no
    # instrument names, no labels. Empty where the line has no place in the client's version.
    plain: str = ""


Provider = Callable[[Access, datetime.datetime, datetime.datetime], list[Item]]

# The order the groups are listed in; a heading not named here follows them.
HEADINGS = ("Alerts", "Questionnaires", "Diary", "Practice")

_providers: dict[str, tuple[str, Provider]] = {}


def register(name: str, heading: str, provider: Provider) -> None:
    """Called once per provider from an AppConfig.ready(), with the heading its items are listed under;
    registering a name again replaces it."""
    _providers[name] = (heading, provider)


def providers() -> dict[str, tuple[str, Provider]]:
    return dict(_providers)


def between(
    access: Access, start: datetime.datetime, end: datetime.datetime, *, headings: set[str] | None = None
) -> list[Item]:
    """Every provider's items in [start, end) (only those of `headings`, if given), each group in time order.
    A provider of another heading is not called, so it reads (and audits) nothing."""
    chosen = [p for heading, p in _providers.values() if headings is None or heading in headings]
    items = [item for provider in chosen for item in provider(access, start, end)]
    rank = {heading: n for n, heading in enumerate(HEADINGS)}
    return sorted(items, key=lambda i: (rank.get(i.heading, len(HEADINGS)), i.heading, i.when, i.text))


def as_text(items: list[Item], start: datetime.date) -> str:
    """The items as plain text for a note: a line naming the window, then each group under its heading."""
    if not items:
        return f"Since {start:%-d %B %Y}: nothing new was recorded or shared."
    lines = [f"Since {start:%-d %B %Y}:"]
    heading = None
    for item in items:
        if item.heading != heading:
            heading = item.heading
            lines += ["", f"{heading}:"]
        lines.append(f"- {item.text}")
    return "\n".join(lines)
