from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def attune(request: HttpRequest) -> dict[str, Any]:
    from attune.accounts import roles, sessions
    from attune.core import policy

    user = getattr(request, "user", None)
    portal = SimpleLazyObject(lambda: roles.uses_portal(user))

    def title() -> str:
        # Client and partner pages carry a neutral title: "Attune", or the discreet name they chose.
        return (getattr(user, "discreet_name", "") or "Attune") if user is not None else "Attune"

    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "quick_exit_url": settings.ATTUNE_QUICK_EXIT_URL,
        "portal_page": portal,
        "portal_title": SimpleLazyObject(title),
        # A callable, not a lazy object: {% extends %} needs a real string, and templates call callables.
        "base_template": lambda: "portal_base.html" if portal else "staff_base.html",
        "admin_practices_nav": SimpleLazyObject(lambda: list(policy.practices_where(user, "admin"))),
        # The one-tap link to the client's own safety plan, beside the quick exit: for clients only, never a
        # partner (who has no plan of their own to open, and must see no trace of one).
        "plan_link": SimpleLazyObject(lambda: roles.is_client(user)),
        "idle_seconds": SimpleLazyObject(
            lambda: sessions.idle_timeout(user) if user is not None and user.is_authenticated else 0
        ),
    }
