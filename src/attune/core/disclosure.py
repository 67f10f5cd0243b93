"""What each app tells a client about their own record: how its rows are named in the client's access log.

The privacy centre (a capability) cannot import the diary or any other capability, and the kernel knows no app's
tables; so each app registers, in its AppConfig.ready(), a describer for the entity types it audits. A describer
takes the client's own access and the ids of rows named in the page of the log being shown, and returns plain
words for each ("your diary entry of 3 May"); it is called once per entity type per page, so the number of
queries does not grow with the log. A describer only ever reads rows of `access.client_id`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from attune.core.policy import Access

Describer = Callable[[Access, list[str]], dict[str, str]]

_DESCRIBERS: dict[str, Describer] = {}


def describes(entity_type: str, describer: Describer) -> None:
    """Register how rows of one entity type are named to their client."""
    _DESCRIBERS[entity_type] = describer


def describers() -> Mapping[str, Describer]:
    return dict(_DESCRIBERS)
