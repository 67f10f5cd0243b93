"""Parts that capabilities above the engine add to the engine's pages, without the engine knowing them.

A client's measures page (questionnaires:client_measures) lists what was sent and the scores; monitoring adds its
schedules, sessions and progress charts. It registers a provider here from its AppConfig.ready(); the page asks
every provider for its panel, with the access the page reached the client with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from attune.core.policy import Access


@dataclass(frozen=True)
class Panel:
    """What a provider adds: context for the page, and templates to include at the top (after "Give a
    questionnaire") and at the bottom of the page."""

    context: Mapping[str, object] = field(default_factory=dict)
    top: str = ""
    bottom: str = ""


MeasuresPanel = Callable[[Access], Panel]

_measures_panels: list[MeasuresPanel] = []


def add_measures_panel(provider: MeasuresPanel) -> None:
    """Register a panel of the measures page (from an AppConfig.ready()). Adding the same one twice is a no-op."""
    if provider not in _measures_panels:
        _measures_panels.append(provider)


def measures_panels(access: Access) -> list[Panel]:
    return [provider(access) for provider in _measures_panels]
