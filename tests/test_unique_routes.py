"""No two pages answer at the same address: apps are built side by side, and Django serves the first pattern that
matches, so a second app's page at the same route would never be reached (the safety plan and the treatment plan
both once claimed /clients/<id>/plan/ and /portal/plan/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_no_two_pages_share_a_route() -> None:
    # The API's routes are ninja's: one pattern per path, each method of it a separate pattern by design.
    found = Counter(route for route in routes() if not route.startswith("api/"))
    assert found, "no routes found"
    shared = sorted(route for route, count in found.items() if count > 1)
    assert not shared, f"several pages claim these routes: {shared}"
