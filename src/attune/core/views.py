"""The kernel's own pages: the health endpoint (attune.core.health)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from attune.core import health as checks


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, 503 otherwise; the checks' names, ok and a short reason, never data."""
    results = checks.run()
    ok = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503)
