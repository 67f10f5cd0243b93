"""The shell's pages: where a signed-in person lands, the caseload, a client's overview and the portal home.

They own no data: each gathers the record's outline from care and the panels each capability offers, reaching
the client once through the policy and handing that access to every panel.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from attune.accounts import roles
from attune.accounts.forms import PortalInviteForm
from attune.accounts.models import Membership
from attune.care import perms as care_perms
from attune.care import queries
from attune.care.forms import CaseloadFilterForm, CloseEpisodeForm
from attune.care.records import record_of
from attune.core import policy, search
from attune.intake import staff_views as intake_staff_views
from attune.intake import views as intake_views
from attune.measures import library
from attune.monitoring import queries as monitoring_queries
from attune.monitoring import views as monitoring_views
from attune.privacy import views as privacy_views
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import queries as questionnaire_queries


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = roles.staff_roles(user)
    if staff & {"clinician", "supervisor", "admin"}:
        return redirect("workspace:caseload")
    if roles.is_client(user) or roles.is_partner(user):
        return redirect("workspace:portal")
    if "researcher" in staff:
        return redirect("workspace:research")
    return redirect("accounts:settings")


@require_http_methods(["GET", "POST"])
def research(request: HttpRequest) -> HttpResponse:
    """A researcher's page: what they will see and when. No client data exists for researchers yet (de-identified
    outcomes arrive with the outcomes work), so the page says so instead of showing an empty caseload."""
    practices = list(policy.practices_where(request.user, Membership.Role.RESEARCHER))
    if not practices:
        policy.deny(request.user, "ResearchStudy", "", care_perms.VIEW)
        raise Http404("Not found")
    return render(request, "workspace/research.html", {"practices": practices})


def caseload(request: HttpRequest) -> HttpResponse:
    """The caseload; a search by name is posted, so clients' names never enter a URL (core.search)."""
    data = search.filter_data(request)
    form = CaseloadFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {}
    clients = queries.caseload(request.user, search=filters.get("q") or "", status=filters.get("status") or "")
    page = Paginator(clients, 25).get_page(filters.get("page") or 1)
    policy.record_list(request.user, page.object_list)
    summaries = monitoring_queries.caseload_summary(request.user, page.object_list)
    rows = []
    for client in page.object_list:
        team = list(client.care_team.all())
        rows.append(
            {
                "client": client,
                "primary": next((m.clinician for m in team if m.is_primary), None),
                "episode": client.open_episodes[0] if client.open_episodes else None,
                "relation": policy.relation_of(client),
                "monitoring": summaries.get(client.pk),
            }
        )
    admin_practices = policy.practices_where(request.user, Membership.Role.ADMIN)
    querystring, hidden = search.carried(data)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "admin_practices": list(admin_practices),
        "querystring": querystring,
        "hidden": hidden,
        "filtered": bool(filters.get("q") or filters.get("status")),
    }
    return render(request, "workspace/caseload.html", context)


def _overview_context(request: HttpRequest, access: policy.Access) -> dict[str, Any]:
    client = record_of(access)
    episodes = queries.episodes(client)
    can_measures = access.can(questionnaire_perms.VIEW)
    return {
        "client": client,
        "access": access,
        "team": queries.care_team(client),
        "episodes": episodes,
        "current_episode": queries.current_episode(episodes),
        "can_clinical": access.can(care_perms.VIEW_CLINICAL),
        "can_edit": access.can(care_perms.UPDATE),
        "can_manage_team": access.can(care_perms.MANAGE_TEAM),
        "can_manage_episodes": access.can(care_perms.MANAGE_EPISODES),
        "can_invite": access.can(care_perms.INVITE_CLIENT) and client.user_id is None,
        "close_form": CloseEpisodeForm(),
        "can_measures": can_measures,
        "recent_scores": list(questionnaire_queries.completed_for(client)[:5]) if can_measures else [],
        "titles": {i.code: i.title for i in library.all_instruments()},
        "invite_form": PortalInviteForm(),
        "monitoring": monitoring_views.overview_panel(request, access),
        "intake": intake_staff_views.overview_panel(request, access),
        "emergency": privacy_views.overview_panel(access),
    }


def client_overview(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, care_perms.VIEW)
    if access.can(care_perms.VIEW_CLINICAL):
        # The page shows the clinical text (what brings the client here): that read is audited as such, so the
        # client's access log says so (and says "emergency access" when it was read under break-glass).
        access.shown("Patient", [access.client_id], care_perms.VIEW_CLINICAL)
    return render(request, "workspace/client_overview.html", _overview_context(request, access))


def _own_context(access: policy.Access) -> dict[str, Any]:
    client = record_of(access)
    episodes = queries.episodes(client)
    return {
        "own": client,
        "team": queries.care_team(client),
        "current_episode": queries.current_episode(episodes),
        "titles": {i.code: i.title for i in library.all_instruments()},
        "referral_shared": any(g.in_force() for g in client.grants.filter(category="referral")),
        "has_partner": client.partner_links.filter(ended__isnull=True).exists(),
        **monitoring_views.portal_panel(client),
        **intake_views.portal_panel(client),
    }


def portal(request: HttpRequest) -> HttpResponse:
    # A partner who is not a client also lands here, so the page looks for an own record rather than requiring
    # one (policy.own would audit every partner's visit as a refusal).
    own_id = policy.visible_to(request.user, relations=[policy.Relation.SELF]).values_list("pk", flat=True).first()
    context: dict[str, Any] = {"own": None, "partners_of": []}
    if own_id is not None:
        context.update(_own_context(policy.client(request.user, own_id, care_perms.VIEW)))
    partner_of = policy.visible_to(request.user, relations=[policy.Relation.PARTNER]).order_by("preferred_name")
    context["partners_of"] = list(partner_of)
    if own_id is None and not context["partners_of"]:
        policy.deny(request.user, "Patient", "", care_perms.VIEW)
        raise policy.PermissionDenied("The portal is for clients and partners")
    return render(request, "workspace/portal.html", context)
