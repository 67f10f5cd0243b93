"""What kind of user someone is, for routing and for page chrome. Decisions about data stay in the policy."""

from __future__ import annotations

from typing import Any

from attune.accounts.models import Membership


def staff_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_attune_roles", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))
        user._attune_roles = cached
    return set(cached)


def is_client(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and hasattr(user, "client_record")


def is_partner(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.partner_links.filter(ended__isnull=True).exists()


def is_staff(user: Any) -> bool:
    return bool(staff_roles(user))


def uses_portal(user: Any) -> bool:
    """Clients and partners see the portal, with its quick exit and neutral title."""
    return not is_staff(user) and (is_client(user) or is_partner(user))


def user_of(request: Any) -> Any:
    """The signed-in user of a request that login-required middleware has already let through."""
    from attune.accounts.models import User

    user = request.user
    assert isinstance(user, User), "this view needs a signed-in user"
    return user
