"""Support first: a client whose critical answer was saved without their seeing the support page (an autosave,
an app's API call) is shown it on their next page, wherever they go, until they say they have seen it.

Only pages the client could see are replaced (a GET answered 200 with HTML), so refusals stay refusals; never
the API, account pages (signing out must always work), the support page itself, or the thank-you page of the
same questionnaire (which shows the same support). The state is monitoring's (`Alert.support_pending`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from attune.monitoring import queries as monitoring_queries

PASS_NAMESPACES = {"api", "accounts", "admin"}
PASS_NAMES = {"monitoring:support", "monitoring:support_seen", "intake:portal_support"}
SHOWS_SUPPORT = "questionnaires:portal_done"


class PendingSupportMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self._may_replace(request, response):
            return response
        pending = monitoring_queries.pending_support(request.user)
        match = request.resolver_match
        if pending is None or (
            match is not None
            and match.view_name == SHOWS_SUPPORT
            and str(match.kwargs.get("response_id")) == str(pending)
        ):
            return response
        return redirect("monitoring:support", response_id=pending)

    @staticmethod
    def _may_replace(request: HttpRequest, response: HttpResponse) -> bool:
        if request.method != "GET" or response.status_code != 200:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            return False
        match = request.resolver_match
        return match is not None and match.view_name not in PASS_NAMES and not set(match.namespaces) & PASS_NAMESPACES
