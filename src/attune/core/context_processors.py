from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def attune(request: HttpRequest) -> dict[str, Any]:
    from attune.accounts import roles
    from attune.core import policy

    user = getattr(request, "user", None)
    portal = SimpleLazyObject(lambda: roles.uses_portal(user))
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "quick_exit_url": settings.ATTUNE_QUICK_EXIT_URL,
        "base_template": SimpleLazyObject(lambda: "portal_base.html" if portal else "staff_base.html"),
        "admin_practices_nav": SimpleLazyObject(lambda: list(policy.practices_where(user, "admin"))),
    }
