"""Suggestions one capability offers another from what the client has already recorded, without either
importing the other (capabilities sit side by side). A capability that knows something registers a provider
for a kind of suggestion in its `AppConfig.ready()`; a capability that wants suggestions gathers them.

Providers take the caller's `Access`, so they read only the rows that caller may see (the models' `for_access`),
and return codes or labels from fixed lists, never the client's free text: a suggestion is a nudge ("Racing
heart"), and the client decides whether to write it into anything.

Kinds in use: "warning_signs" (labels of body cues and trigger kinds the client logged, most often first) and
"helpful_skills" (skill slugs, the ones that helped most first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from attune.core.policy import Access

Provider = Callable[[Access], list[str]]

_providers: dict[str, list[Provider]] = defaultdict(list)


def register(kind: str, provider: Provider) -> None:
    if provider not in _providers[kind]:
        _providers[kind].append(provider)


def gather(kind: str, access: Access) -> list[str]:
    """Every provider's suggestions of this kind, in order, without repeats."""
    found: dict[str, None] = {}
    for provider in _providers.get(kind, []):
        for item in provider(access):
            found.setdefault(item, None)
    return list(found)
