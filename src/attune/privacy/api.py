"""The privacy centre for apps: the client's access log and their switches. Break-glass has no API operation:
it needs step-up (SECURITY 22), which only the web pages ask for."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.apidoc import IsoDate, may_answer
from attune.privacy import perms, queries, services

router = Router(tags=["privacy"])


class AccessLogQuery(Schema):
    person: int | None = Field(default=None, ge=0, description="A person's user id; 0 for people outside the team")
    kind: Literal["", "looked", "changed", "refused", "emergency"] = ""
    since: IsoDate | None = None
    until: IsoDate | None = None
    page: int = Field(default=1, ge=1)


class AccessLogLineOut(Schema):
    when: datetime.datetime
    who: str
    role: str
    sentence: str
    why: str
    refused: bool
    emergency: bool


class AccessLogPage(Schema):
    items: list[AccessLogLineOut]
    count: int
    page: int
    pages: int


class SwitchOut(Schema):
    category: str
    label: str
    visible: bool


class PersonSharingOut(Schema):
    user_id: int
    name: str
    primary: bool
    switches: list[SwitchOut]


class SwitchIn(Schema):
    visible: bool


@router.get(
    "/me/privacy/access-log", response=AccessLogPage, operation_id="privacy_access_log", openapi_extra=may_answer(404)
)
def privacy_access_log(request: HttpRequest, filters: Query[AccessLogQuery]) -> dict[str, Any]:
    access = policy.own(user_of(request), perms.VIEW_LOG)
    wanted = queries.LogFilter(person=filters.person, kind=filters.kind, since=filters.since, until=filters.until)
    page, lines = queries.access_log(access, wanted, filters.page)
    return {
        "items": [line.__dict__ for line in lines],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


def _sharing(access: policy.Access) -> list[dict[str, Any]]:
    withheld = queries.withheld(access)
    return [
        {
            "user_id": p.user_id,
            "name": p.name,
            "primary": p.primary,
            "switches": [
                {"category": code, "label": label, "visible": (p.user_id, code) not in withheld}
                for code, label in queries.CATEGORIES
            ],
        }
        for p in queries.care_team(access)
    ]


@router.get(
    "/me/privacy/sharing",
    response=list[PersonSharingOut],
    operation_id="privacy_sharing",
    openapi_extra=may_answer(404),
)
def privacy_sharing(request: HttpRequest) -> list[dict[str, Any]]:
    return _sharing(policy.own(user_of(request), perms.VIEW_SHARING))


@router.put(
    "/me/privacy/sharing/{person_id}/{category}", response=list[PersonSharingOut], operation_id="privacy_switch"
)
def privacy_switch(request: HttpRequest, person_id: int, category: str, payload: SwitchIn) -> list[dict[str, Any]]:
    access = policy.own(user_of(request), perms.MANAGE_SHARING)
    if category not in queries.CATEGORY_CODES:
        raise ValidationError({"category": "There is nothing by that name to share."})
    services.set_visible(access, person_id, category, payload.visible)
    return _sharing(access)
