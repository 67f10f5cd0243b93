from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, Field, model_validator

from attune.care import inputs, perms, queries, services
from attune.care.models import CareTeamMember, Client, Episode, SafeContact
from attune.care.records import record_of
from attune.core import policy
from attune.core.apidoc import may_answer

router = Router(tags=["clients"])


class ClientSummary(Schema):
    id: uuid.UUID
    preferred_name: str
    pronouns: str
    active: bool
    primary_clinician: str | None


class ClientPage(Schema):
    items: list[ClientSummary]
    count: int
    page: int
    pages: int


class CareTeamMemberOut(Schema):
    id: int
    clinician_id: int
    name: str
    role: str


class EpisodeOut(Schema):
    id: uuid.UUID
    opened: datetime.date
    closed: datetime.date | None
    close_reason: str


class ClientDetail(Schema):
    id: uuid.UUID
    practice: str
    preferred_name: str
    pronouns: str
    referral_reason: str | None = Field(description="Null when the caller may not read clinical text")
    version: int
    care_team: list[CareTeamMemberOut]
    current_episode: EpisodeOut | None


class JsonObject(Schema):
    """A request body: a JSON object with only the fields named below. ninja's Schema would otherwise read a
    list, a string or null as an object with no fields (an empty, successful PATCH that bumps the version),
    and would drop a misspelt field without a word."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Schema validates twice: the body as sent, then wrapped in ninja's DjangoGetter.
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, dict):
            raise ValueError("Send a JSON object.")
        return data


class ClientPatch(JsonObject):
    preferred_name: str | None = Field(default=None, min_length=1, max_length=inputs.PREFERRED_NAME_MAX)
    pronouns: str | None = Field(default=None, max_length=inputs.PRONOUNS_MAX)
    referral_reason: str | None = Field(default=None, max_length=inputs.REFERRAL_REASON_MAX)
    version: int | None = Field(default=None, description="The version you read; a stale one gives 409")


class CaseloadFilter(Schema):
    search: str = Field(default="", max_length=inputs.SEARCH_MAX)
    status: str = Field(default="", pattern="^(|" + "|".join(code for code, _ in inputs.CASELOAD_STATUSES) + ")$")
    page: int = Field(default=1, ge=1)


class CareTeamIn(JsonObject):
    clinician_id: int
    primary: bool = False


class EpisodeOpen(JsonObject):
    opened: datetime.date | None = None


class EpisodeClose(JsonObject):
    closed: datetime.date
    reason: str = Field(pattern="^(" + "|".join(inputs.CLOSE_REASONS.values) + ")$")


class SafeContactIn(JsonObject):
    """The whole of the client's safe contact (PUT replaces it): a choice left null is "not said"."""

    email_ok: bool | None = None
    push_ok: bool | None = None
    phone_ok: bool | None = None
    phone: str = Field(default="", max_length=inputs.PHONE_MAX)
    may_leave_message: bool | None = None
    times_to_avoid: str = Field(default="", max_length=inputs.TIMES_TO_AVOID_MAX)


class SafeContactOut(Schema):
    email_ok: bool | None = Field(description="null: not said (never read as yes)")
    push_ok: bool | None
    phone_ok: bool | None
    phone: str
    may_leave_message: bool | None
    times_to_avoid: str
    updated: datetime.datetime | None = Field(description="null: the client has not said anything yet")


def _safe_contact(row: SafeContact | None) -> dict[str, Any]:
    if row is None:
        return {**dict.fromkeys(inputs.SAFE_CONTACT_CHOICES), "phone": "", "times_to_avoid": "", "updated": None}
    return {name: getattr(row, name) for name in (*inputs.SAFE_CONTACT_FIELDS, "updated")}


def _member(m: CareTeamMember) -> dict[str, Any]:
    return {"id": m.pk, "clinician_id": m.clinician_id, "name": m.clinician.display_name, "role": m.role}


def _episode(e: Episode | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"id": e.pk, "opened": e.opened, "closed": e.closed, "close_reason": e.close_reason}


def _detail(access: policy.Access, client: Client) -> dict[str, Any]:
    clinical = access.can(perms.VIEW_CLINICAL)
    return {
        "id": client.pk,
        "practice": client.practice.name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "referral_reason": client.referral_reason if clinical else None,
        "version": client.version,
        "care_team": [_member(m) for m in queries.care_team(client)],
        "current_episode": _episode(queries.current_episode(queries.episodes(client))),
    }


@router.get("/clients", response=ClientPage, operation_id="list_clients")
def list_clients(request: HttpRequest, filters: Query[CaseloadFilter]) -> dict[str, Any]:
    paginator = Paginator(queries.caseload(request.user, search=filters.search, status=filters.status), 25)
    page = paginator.get_page(filters.page)
    policy.record_list(request.user, page.object_list)
    items = []
    for client in page.object_list:
        primary = next((m for m in client.care_team.all() if m.is_primary), None)
        items.append(
            {
                "id": client.pk,
                "preferred_name": client.preferred_name,
                "pronouns": client.pronouns,
                "active": client.is_active,
                "primary_clinician": primary.clinician.display_name if primary else None,
            }
        )
    return {"items": items, "count": paginator.count, "page": page.number, "pages": paginator.num_pages}


@router.get("/clients/{client_id}", response=ClientDetail, operation_id="get_client")
def get_client(request: HttpRequest, client_id: str) -> dict[str, Any]:
    access = policy.client(request.user, client_id, perms.VIEW)
    return _detail(access, record_of(access))


@router.patch(
    "/clients/{client_id}", response=ClientDetail, operation_id="update_client", openapi_extra=may_answer(409)
)
def update_client(request: HttpRequest, client_id: str, payload: ClientPatch) -> dict[str, Any]:
    # The answer shows the record as saved, so the read is audited with the reach.
    access = policy.client(request.user, client_id, perms.UPDATE, shows=perms.VIEW)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None}
    return _detail(access, services.update_client(access, changes, expected_version=payload.version))


@router.get("/clients/{client_id}/care-team", response=list[CareTeamMemberOut], operation_id="get_care_team")
def get_care_team(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(request.user, client_id, perms.VIEW_TEAM)
    return [_member(m) for m in queries.care_team(record_of(access))]


@router.post("/clients/{client_id}/care-team", response={201: CareTeamMemberOut}, operation_id="add_care_team_member")
def add_care_team_member(request: HttpRequest, client_id: str, payload: CareTeamIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(request.user, client_id, perms.MANAGE_TEAM)
    member = services.add_to_care_team(access, payload.clinician_id, primary=payload.primary)
    return 201, _member(member)


@router.delete(
    "/clients/{client_id}/care-team/{member_id}", response={204: None}, operation_id="remove_care_team_member"
)
def remove_care_team_member(request: HttpRequest, client_id: str, member_id: int) -> tuple[int, None]:
    services.remove_from_care_team(policy.client(request.user, client_id, perms.MANAGE_TEAM), member_id)
    return 204, None


@router.get("/clients/{client_id}/episodes", response=list[EpisodeOut], operation_id="list_episodes")
def list_episodes(request: HttpRequest, client_id: str) -> list[dict[str, Any] | None]:
    access = policy.client(request.user, client_id, perms.VIEW_EPISODES)
    return [_episode(e) for e in queries.episodes(record_of(access))]


@router.post("/clients/{client_id}/episodes", response={201: EpisodeOut}, operation_id="open_episode")
def open_episode(request: HttpRequest, client_id: str, payload: EpisodeOpen) -> tuple[int, dict[str, Any] | None]:
    access = policy.client(request.user, client_id, perms.MANAGE_EPISODES)
    return 201, _episode(services.open_episode(access, opened=payload.opened))


@router.post("/clients/{client_id}/episodes/close", response=EpisodeOut, operation_id="close_episode")
def close_episode(request: HttpRequest, client_id: str, payload: EpisodeClose) -> dict[str, Any] | None:
    access = policy.client(request.user, client_id, perms.MANAGE_EPISODES)
    return _episode(services.close_episode(access, closed=payload.closed, reason=payload.reason))


@router.get("/clients/{client_id}/safe-contact", response=SafeContactOut, operation_id="get_safe_contact")
def get_safe_contact(request: HttpRequest, client_id: str) -> dict[str, Any]:
    """Which ways of reaching the client are safe: for the client and their care team."""
    access = policy.client(request.user, client_id, perms.VIEW_CONTACT)
    return _safe_contact(queries.safe_contact(access))


@router.put("/clients/{client_id}/safe-contact", response=SafeContactOut, operation_id="update_safe_contact")
def update_safe_contact(request: HttpRequest, client_id: str, payload: SafeContactIn) -> dict[str, Any]:
    """The client says which ways of reaching them are safe (only the client)."""
    access = policy.client(request.user, client_id, perms.MANAGE_CONTACT, shows=perms.VIEW_CONTACT)
    return _safe_contact(services.record_safe_contact(access, payload.dict()))
