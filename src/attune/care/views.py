from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import roles
from attune.accounts import services as account_services
from attune.accounts.forms import PortalInviteForm
from attune.accounts.models import Membership, User
from attune.care import perms, queries, services
from attune.care.forms import CareTeamForm, CaseloadFilterForm, ClientForm, CloseEpisodeForm
from attune.care.records import record_of
from attune.core import policy
from attune.core.models import AuditEvent
from attune.intake import staff_views as intake_staff_views
from attune.intake import views as intake_views
from attune.measures import library
from attune.monitoring import queries as monitoring_queries
from attune.monitoring import views as monitoring_views
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import queries as questionnaire_queries


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = roles.staff_roles(user)
    if staff & {"clinician", "supervisor", "admin"}:
        return redirect("care:caseload")
    if roles.is_client(user) or roles.is_partner(user):
        return redirect("care:portal")
    return redirect("accounts:settings")


def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET or None)
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
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "admin_practices": list(admin_practices),
        "querystring": query.urlencode(),
        "filtered": bool(filters.get("q") or filters.get("status")),
    }
    return render(request, "care/caseload.html", context)


def _overview_context(request: HttpRequest, access: policy.Access) -> dict[str, Any]:
    client = record_of(access)
    episodes = queries.episodes(client)
    user = request.user
    return {
        "client": client,
        "access": access,
        "team": queries.care_team(client),
        "episodes": episodes,
        "current_episode": queries.current_episode(episodes),
        "can_clinical": policy.allows(access, perms.VIEW_CLINICAL, user),
        "can_edit": policy.allows(access, perms.UPDATE, user),
        "can_manage_team": policy.allows(access, perms.MANAGE_TEAM, user),
        "can_manage_episodes": policy.allows(access, perms.MANAGE_EPISODES, user),
        "can_invite": policy.allows(access, perms.INVITE_CLIENT, user) and client.user_id is None,
        "close_form": CloseEpisodeForm(),
        "can_measures": policy.allows(access, questionnaire_perms.VIEW, user),
        "recent_scores": list(questionnaire_queries.completed_for(client)[:5])
        if policy.allows(access, questionnaire_perms.VIEW, user)
        else [],
        "titles": {i.code: i.title for i in library.all_instruments()},
        "invite_form": PortalInviteForm(),
        "monitoring": monitoring_views.overview_panel(request, access),
        "intake": intake_staff_views.overview_panel(request, access),
    }


def client_overview(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.get_client_for(request.user, client_id, perms.VIEW)
    return render(request, "care/client_overview.html", _overview_context(request, access))


def _record_read(
    request: HttpRequest, access: policy.Access, entity_type: str, entity_id: Any, perm: policy.Perm
) -> None:
    # get_client_for audits reads only when asked for a read permission; a page fetched with a write permission
    # that then shows the record records the read here, when it renders.
    policy.record_access(request.user, access, AuditEvent.Action.READ, entity_type, str(entity_id), perm)


@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: str) -> HttpResponse:
    # Ask for the permission the page needs, so that the policy audits a refusal (and no read is logged for it).
    access = policy.get_client_for(request.user, client_id, perms.UPDATE)
    client = record_of(access)
    clinical = policy.allows(access, perms.VIEW_CLINICAL, request.user)
    initial = {
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "version": client.version,
    }
    if clinical:
        initial["referral_reason"] = client.referral_reason
    form = ClientForm(request.POST or None, initial=initial, clinical=clinical)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_client(request.user, client.pk, changes, expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("care:client", client_id=client.pk)
    _record_read(request, access, "Patient", client.pk, perms.VIEW_CLINICAL if clinical else perms.VIEW)
    return render(request, "care/client_edit.html", {"client": client, "form": form})


@require_POST
def episode_open(request: HttpRequest, client_id: str) -> HttpResponse:
    try:
        services.open_episode(request.user, client_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "A new episode of care is open.")
    return redirect("care:client", client_id=client_id)


@require_POST
def episode_close(request: HttpRequest, client_id: str) -> HttpResponse:
    form = CloseEpisodeForm(request.POST)
    if form.is_valid():
        try:
            services.close_episode(
                request.user,
                client_id,
                closed=form.cleaned_data["closed"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The episode of care is closed.")
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("care:client", client_id=client_id)


def _clinician_choices(practice: Any) -> list[tuple[int, str]]:
    clinicians = User.objects.filter(
        memberships__practice=practice, memberships__role=Membership.Role.CLINICIAN, memberships__active=True
    ).order_by("display_name")
    return [(u.pk, u.display_name) for u in clinicians]


@require_http_methods(["GET", "POST"])
def care_team(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.get_client_for(request.user, client_id, perms.MANAGE_TEAM)
    form = CareTeamForm(request.POST or None, clinicians=_clinician_choices(record_of(access).practice))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_care_team(
                request.user, client_id, form.cleaned_data["clinician"], primary=form.cleaned_data["primary"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The care team is updated.")
            return redirect("care:care_team", client_id=client_id)
    context = {"client": record_of(access), "team": queries.care_team(record_of(access)), "form": form}
    _record_read(request, access, "CareTeam", access.client_id, perms.VIEW_TEAM)
    return render(request, "care/care_team.html", context)


@require_POST
def care_team_remove(request: HttpRequest, client_id: str, member_id: int) -> HttpResponse:
    services.remove_from_care_team(request.user, client_id, member_id)
    messages.success(request, "Removed from the care team.")
    return redirect("care:care_team", client_id=client_id)


@require_POST
def invite_to_portal(request: HttpRequest, client_id: str) -> HttpResponse:
    form = PortalInviteForm(request.POST)
    if form.is_valid():
        try:
            account_services.invite_to_portal(request.user, client_id, form.cleaned_data["email"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Invitation sent. The link works once and expires in a week.")
    else:
        messages.error(request, "Please enter a valid email address.")
    return redirect("care:client", client_id=client_id)


def portal(request: HttpRequest) -> HttpResponse:
    own = policy.visible_to(request.user, relations=[policy.Relation.SELF]).select_related("practice").first()
    context: dict[str, Any] = {"own": None, "partners_of": []}
    if own is not None:
        access = policy.get_client_for(request.user, own.pk, perms.VIEW)
        episodes = queries.episodes(record_of(access))
        context.update(
            own=record_of(access),
            team=queries.care_team(record_of(access)),
            current_episode=queries.current_episode(episodes),
            titles={i.code: i.title for i in library.all_instruments()},
            referral_shared=any(g.in_force() for g in record_of(access).grants.filter(category="referral")),
            has_partner=record_of(access).partner_links.filter(ended__isnull=True).exists(),
            **monitoring_views.portal_panel(record_of(access)),
            **intake_views.portal_panel(record_of(access)),
        )
    partner_of = policy.visible_to(request.user, relations=[policy.Relation.PARTNER]).order_by("preferred_name")
    context["partners_of"] = list(partner_of)
    if own is None and not context["partners_of"]:
        policy.deny_legacy(request.user, "Patient", "", perms.VIEW)
        raise policy.PermissionDenied("The portal is for clients and partners")
    return render(request, "care/portal.html", context)
