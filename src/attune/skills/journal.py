"""The client's journal across capabilities that sit side by side: a hook the engine holds so that they can refer
to each other's rows without importing each other.

- The diary keeps relationship scripts and diary entries; learning work (thought records, externalising) links to
  them. The diary registers readers here (DiaryConfig.ready); a capability asks `scripts(access)` and
  `entries(access)` for the rows *this caller* may see, as labels without free text beyond the client's own name
  for a script. Without the diary installed, there is nothing to link to.
- Learning work records distress before and after its practices; the diary's insights include them. The app that
  records them registers a source (`add_practice_source`); insights ask `practice_uses(access, since)`.

Readers take the caller's Access and keep to what it may see (the models' for_access), so a link never reveals a
row its reader could not open.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from attune.core.policy import Access


@dataclass(frozen=True)
class Ref:
    id: uuid.UUID
    label: str


@dataclass(frozen=True)
class Use:
    """One practice with distress rated before and after (0-100), for insights."""

    key: str  # groups uses in insights ("learn:thought-record")
    title: str
    short: str
    before: int
    after: int


ScriptReader = Callable[[Access], list[Ref]]
EntryReader = Callable[[Access, int, list[uuid.UUID] | None], list[Ref]]
PracticeSource = Callable[[Access, datetime.datetime], list[Use]]


def _none(access: Access) -> list[Ref]:
    return []


def _no_entries(access: Access, limit: int, ids: list[uuid.UUID] | None) -> list[Ref]:
    return []


_scripts: ScriptReader = _none
_entries: EntryReader = _no_entries
_sources: list[PracticeSource] = []


def use_journal(scripts_reader: ScriptReader, entries_reader: EntryReader) -> None:
    """Called once by the app that keeps scripts and diary entries."""
    global _scripts, _entries
    _scripts, _entries = scripts_reader, entries_reader


def scripts(access: Access) -> list[Ref]:
    """The client's scripts this caller may see, by the client's own names for them."""
    return _scripts(access)


def entries(access: Access, limit: int = 30, ids: list[uuid.UUID] | None = None) -> list[Ref]:
    """The client's latest diary entries this caller may see (or those of `ids` among them), labelled by date and
    kind of trigger."""
    return _entries(access, limit, ids)


def add_practice_source(source: PracticeSource) -> None:
    if source not in _sources:
        _sources.append(source)


def practice_uses(access: Access, since: datetime.datetime) -> list[Use]:
    return [use for source in _sources for use in source(access, since)]
