"""The clients API: caseload list, record detail and edits, care teams and episodes of care."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attune.accounts import services as account_services
from attune.accounts.models import User
from attune.care import perms as care_perms
from attune.care.models import CareTeamMember, Client, Episode
from attune.consent import perms as consent_perms
from attune.core import policy
from attune.core.models import AuditEvent, SharingGrant
from tests.cast import CANARIES, Cast


def api_as(user: User) -> DjangoClient:
    """An app holding a personal token of this user (tokens are created after MFA, so none is asked here)."""
    _, raw = account_services.create_api_token(user, "test")
    return DjangoClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(api: DjangoClient, method: str, url: str, body: Any = None) -> Any:
    data = body if isinstance(body, str) else json.dumps(body if body is not None else {})
    return api.generic(method, url, data, content_type="application/json")


def url(client: Client, rest: str = "") -> str:
    return f"/api/v1/clients/{client.pk}{rest}"


def make_clients(cast: Cast, count: int, *, prefix: str = "Extra", discharged_every: int = 0) -> list[Client]:
    """Clients of Northside on alice's caseload, with an episode each (every n-th one closed)."""
    practice = cast.practices["northside"]
    clients = Client.objects.bulk_create(
        [Client(practice=practice, preferred_name=f"{prefix} {i:02d}") for i in range(count)]
    )
    today = timezone.localdate()
    Episode.objects.bulk_create(
        [
            Episode(
                client=c,
                opened=today - datetime.timedelta(days=30),
                closed=today if discharged_every and i % discharged_every == 0 else None,
                close_reason="completed" if discharged_every and i % discharged_every == 0 else "",
            )
            for i, c in enumerate(clients)
        ]
    )
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(client=c, clinician=cast.alice, role=CareTeamMember.Role.PRIMARY) for c in clients]
    )
    return clients


# --- the caseload list -------------------------------------------------------------------------------------


def test_alice_lists_her_caseload_and_nobody_else_s(cast: Cast) -> None:
    page = api_as(cast.alice).get("/api/v1/clients").json()
    assert [item["preferred_name"] for item in page["items"]] == ["Dana"]
    assert page["items"][0] == {
        "id": str(cast.client("dana").pk),
        "preferred_name": "Dana",
        "pronouns": "she/her",
        "active": True,
        "primary_clinician": "Alice Moreno",
    }
    assert (page["count"], page["page"], page["pages"]) == (1, 1, 1)
    # The supervisor sees both supervisees' clients, the admin the whole practice, never Southside's.
    assert {i["preferred_name"] for i in api_as(cast.sam).get("/api/v1/clients").json()["items"]} == {"Dana", "Eli"}
    assert {i["preferred_name"] for i in api_as(cast.ada).get("/api/v1/clients").json()["items"]} == {"Dana", "Eli"}
    assert api_as(cast.dana).get("/api/v1/clients").json()["items"] == []
    assert api_as(cast.frank).get("/api/v1/clients").json()["items"] == []


def test_listing_writes_one_read_event_per_client_shown(cast: Cast) -> None:
    sam = api_as(cast.sam)
    before = AuditEvent.objects.count()
    sam.get("/api/v1/clients")
    events = AuditEvent.objects.filter(reason="client.list").order_by("-id")[:2]
    assert AuditEvent.objects.count() == before + 2
    assert {e.client_id for e in events} == {cast.client("dana").pk, cast.client("eli").pk}
    assert {e.agent_role for e in events} == {"supervisor"}


def test_search_and_status_filter(cast: Cast) -> None:
    make_clients(cast, 6, prefix="Anaya", discharged_every=3)
    api = api_as(cast.alice)
    names = [i["preferred_name"] for i in api.get("/api/v1/clients?search=ana").json()["items"]]
    assert names == ["Anaya 00", "Anaya 01", "Anaya 02", "Anaya 03", "Anaya 04", "Anaya 05", "Dana"]
    active = api.get("/api/v1/clients?status=active").json()["items"]
    discharged = api.get("/api/v1/clients?status=discharged").json()["items"]
    assert [i["preferred_name"] for i in discharged] == ["Anaya 00", "Anaya 03"]
    assert len(active) == 5 and all(i["active"] for i in active)
    assert api.get("/api/v1/clients?search=zzz").json() == {"items": [], "count": 0, "page": 1, "pages": 1}


@pytest.mark.parametrize(
    "query", ["status=asleep", "page=0", "page=-1", "page=abc", "search=" + "x" * 81, "status=active'--"]
)
def test_bad_list_parameters_are_422_with_the_field(cast: Cast, query: str) -> None:
    response = api_as(cast.alice).get(f"/api/v1/clients?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_pagination(cast: Cast) -> None:
    make_clients(cast, 30)
    api = api_as(cast.alice)
    first, second = api.get("/api/v1/clients").json(), api.get("/api/v1/clients?page=2").json()
    assert (first["count"], first["pages"], len(first["items"]), len(second["items"])) == (31, 2, 25, 6)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    # A page past the end gives the last page rather than an error.
    assert api.get("/api/v1/clients?page=9").json()["items"] == second["items"]


def test_the_list_costs_the_same_queries_for_a_small_and_a_large_caseload(cast: Cast) -> None:
    api = api_as(cast.alice)
    api.get("/api/v1/clients")  # warm up: token last-used stamp, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/clients").status_code == 200
        return len(queries)

    make_clients(cast, 3, prefix="Small")
    small = count()
    make_clients(cast, 40, prefix="Large")
    assert count() == small


# --- the record -------------------------------------------------------------------------------------------


def test_detail_shows_clinical_text_only_to_those_who_may_read_it(cast: Cast) -> None:
    dana = cast.client("dana")
    for user, clinical in ((cast.alice, True), (cast.dana, True), (cast.sam, False), (cast.ada, False)):
        body = api_as(user).get(url(dana)).json()
        assert body["preferred_name"] == "Dana"
        assert (body["referral_reason"] in CANARIES) is clinical, user
        assert body["care_team"][0]["name"] == "Alice Moreno"
        assert body["current_episode"]["closed"] is None


def test_partner_with_a_referral_grant_still_cannot_read_the_record(cast: Cast) -> None:
    """Today a partner has no client.view, so a grant of the referral category opens no endpoint: the policy
    says frank may read it (allows VIEW_CLINICAL), but the only place that shows it answers 403."""
    dana = cast.client("dana")
    SharingGrant.objects.create(client=dana, grantee_user=cast.frank, category=SharingGrant.Category.REFERRAL)
    access = policy.client(cast.frank, dana.pk, consent_perms.VIEW_SHARED)
    assert access.relation is policy.Relation.PARTNER
    assert access.can(care_perms.VIEW_CLINICAL)
    response = api_as(cast.frank).get(url(dana))
    assert response.status_code == 403
    assert not [c for c in CANARIES if c in response.content.decode()]


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1"])
def test_unknown_ids_are_404_and_audited(cast: Cast, bad_id: str) -> None:
    response = api_as(cast.alice).get(f"/api/v1/clients/{bad_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None and last.outcome == AuditEvent.Outcome.DENIED and last.agent_id == cast.alice.pk


def test_alice_edits_the_record_and_the_version_moves_on(cast: Cast) -> None:
    dana = cast.client("dana")
    api = api_as(cast.alice)
    version = api.get(url(dana)).json()["version"]
    response = send(
        api, "PATCH", url(dana), {"pronouns": "she/they", "referral_reason": "New words.", "version": version}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["pronouns"], response.json()["version"]) == ("she/they", version + 1)
    dana.refresh_from_db()
    assert (dana.pronouns, dana.referral_reason) == ("she/they", "New words.")
    # Without a version the write is not checked for staleness (an explicit choice of the caller).
    assert send(api, "PATCH", url(dana), {"pronouns": "she/her"}).json()["version"] == version + 2


def test_a_stale_version_is_409_and_nothing_is_overwritten(cast: Cast) -> None:
    dana = cast.client("dana")
    alice, own = api_as(cast.alice), api_as(cast.dana)
    version = alice.get(url(dana)).json()["version"]
    assert send(own, "PATCH", url(dana), {"preferred_name": "Dana R", "version": version}).status_code == 200
    response = send(alice, "PATCH", url(dana), {"preferred_name": "Danielle", "version": version})
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    dana.refresh_from_db()
    assert (dana.preferred_name, dana.version) == ("Dana R", version + 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preferred_name": ""}, "preferred_name"),
        ({"preferred_name": "   "}, "preferred_name"),
        ({"preferred_name": "x" * 81}, "preferred_name"),
        ({"preferred_name": 5}, "preferred_name"),
        ({"pronouns": ["she"]}, "pronouns"),
        ({"version": "three"}, "version"),
        ({"referral_reason": {"a": 1}}, "referral_reason"),
        ({"prefered_name": "Dee"}, "prefered_name"),  # a misspelt field is not silently dropped
        ({"practice": "Southside"}, "practice"),
    ],
)
def test_bad_edits_are_422_naming_the_field(cast: Cast, body: dict[str, Any], field: str) -> None:
    dana = cast.client("dana")
    before = (dana.preferred_name, dana.pronouns, dana.version)
    response = send(api_as(cast.alice), "PATCH", url(dana), body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    dana.refresh_from_db()
    assert (dana.preferred_name, dana.pronouns, dana.version) == before


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"a string"', "null", "\x00\xff"])
def test_garbage_bodies_are_4xx_never_500(cast: Cast, raw: str) -> None:
    response = send(api_as(cast.alice), "PATCH", url(cast.client("dana")), raw)
    assert response.status_code in {400, 422}, response.content
    assert "detail" in response.json()


def test_supervisor_and_admin_cannot_edit(cast: Cast) -> None:
    dana = cast.client("dana")
    for user in (cast.sam, cast.ada, cast.frank):
        assert send(api_as(user), "PATCH", url(dana), {"pronouns": "x"}).status_code == 403
    dana.refresh_from_db()
    assert dana.pronouns == "she/her"


# --- care team --------------------------------------------------------------------------------------------


def test_ada_adds_and_removes_care_team_members(cast: Cast) -> None:
    dana, ada = cast.client("dana"), api_as(cast.ada)
    response = send(ada, "POST", url(dana, "/care-team"), {"clinician_id": cast.bob.pk})
    assert response.status_code == 201, response.content
    member = response.json()
    assert (member["name"], member["role"]) == ("Bob Okafor", "member")
    assert api_as(cast.bob).get(url(dana)).status_code == 200  # bob can now read dana's record
    # Making bob primary demotes alice, keeping one primary.
    send(ada, "POST", url(dana, "/care-team"), {"clinician_id": cast.bob.pk, "primary": True})
    roles = {m["name"]: m["role"] for m in ada.get(url(dana, "/care-team")).json()}
    assert roles == {"Bob Okafor": "primary", "Alice Moreno": "member"}
    alice_row = CareTeamMember.objects.get(client=dana, clinician=cast.alice)
    assert send(ada, "DELETE", url(dana, f"/care-team/{alice_row.pk}")).status_code == 204
    # Removal is effective on alice's very next request.
    assert api_as(cast.alice).get(url(dana)).status_code == 404


@pytest.mark.parametrize("who", ["carol", "sam", "dana", "nobody"])
def test_only_clinicians_of_the_practice_can_join_a_care_team(cast: Cast, who: str) -> None:
    clinician_id = cast.users[who].pk if who != "nobody" else 999999
    response = send(api_as(cast.ada), "POST", url(cast.client("dana"), "/care-team"), {"clinician_id": clinician_id})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "clinician"
    assert CareTeamMember.objects.filter(client=cast.client("dana")).count() == 1


def test_removing_a_member_of_another_client_s_team_is_404(cast: Cast) -> None:
    eli_row = CareTeamMember.objects.get(client=cast.client("eli"))
    response = send(api_as(cast.ada), "DELETE", url(cast.client("dana"), f"/care-team/{eli_row.pk}"))
    assert response.status_code == 404
    assert CareTeamMember.objects.filter(pk=eli_row.pk).exists()
    assert send(api_as(cast.ada), "DELETE", url(cast.client("dana"), "/care-team/abc")).status_code == 422


def test_care_team_changes_by_anyone_but_the_admin_are_refused(cast: Cast) -> None:
    dana = cast.client("dana")
    for user in (cast.alice, cast.sam, cast.dana):
        assert send(api_as(user), "POST", url(dana, "/care-team"), {"clinician_id": cast.bob.pk}).status_code == 403
    assert CareTeamMember.objects.filter(client=dana).count() == 1


# --- episodes ---------------------------------------------------------------------------------------------


def test_alice_closes_and_reopens_an_episode(cast: Cast) -> None:
    dana, alice = cast.client("dana"), api_as(cast.alice)
    today = timezone.localdate()
    closed = send(alice, "POST", url(dana, "/episodes/close"), {"closed": str(today), "reason": "completed"})
    assert closed.status_code == 200, closed.content
    assert (closed.json()["closed"], closed.json()["close_reason"]) == (str(today), "completed")
    assert alice.get("/api/v1/clients?status=discharged").json()["items"][0]["preferred_name"] == "Dana"
    opened = send(alice, "POST", url(dana, "/episodes"), {})
    assert opened.status_code == 201
    assert [e["closed"] for e in alice.get(url(dana, "/episodes")).json()] == [None, str(today)]


def test_a_second_open_episode_is_422(cast: Cast) -> None:
    response = send(api_as(cast.alice), "POST", url(cast.client("dana"), "/episodes"), {})
    assert response.status_code == 422
    assert "already open" in response.json()["detail"]
    assert Episode.objects.filter(client=cast.client("dana"), closed__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closed": "1999-01-01", "reason": "completed"}, "closed"),  # before it opened
        ({"closed": "2999-01-01", "reason": "completed"}, "closed"),  # in the future
        ({"closed": "not a date", "reason": "completed"}, "closed"),
        ({"closed": "2020-02-30", "reason": "completed"}, "closed"),
        ({"reason": "completed"}, "closed"),
        ({"closed": "2024-01-01", "reason": "bored"}, "reason"),
    ],
)
def test_bad_closes_are_422_naming_the_field(cast: Cast, body: dict[str, Any], field: str) -> None:
    response = send(api_as(cast.alice), "POST", url(cast.client("dana"), "/episodes/close"), body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert Episode.objects.get(client=cast.client("dana")).closed is None


def test_closing_without_an_open_episode_is_422(cast: Cast) -> None:
    Episode.objects.filter(client=cast.client("dana")).update(closed=timezone.localdate(), close_reason="other")
    body = {"closed": str(timezone.localdate()), "reason": "completed"}
    response = send(api_as(cast.alice), "POST", url(cast.client("dana"), "/episodes/close"), body)
    assert response.status_code == 422
    assert "no open episode" in response.json()["detail"]


@pytest.mark.parametrize("opened", ["2999-01-01", "before-last-closed"])
def test_a_new_episode_cannot_open_in_the_future_or_overlap_the_last(cast: Cast, opened: str) -> None:
    dana = cast.client("dana")
    episode = Episode.objects.get(client=dana)
    Episode.objects.filter(pk=episode.pk).update(closed=timezone.localdate(), close_reason="other")
    if opened == "before-last-closed":
        opened = str(episode.opened)
    response = send(api_as(cast.alice), "POST", url(dana, "/episodes"), {"opened": opened})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "opened"
    assert Episode.objects.filter(client=dana).count() == 1


def test_supervisor_admin_and_client_cannot_manage_episodes(cast: Cast) -> None:
    dana = cast.client("dana")
    for user in (cast.sam, cast.ada, cast.dana):
        assert send(api_as(user), "POST", url(dana, "/episodes"), {}).status_code == 403
        body = {"closed": str(timezone.localdate()), "reason": "completed"}
        assert send(api_as(user), "POST", url(dana, "/episodes/close"), body).status_code == 403
    assert Episode.objects.get(client=dana).closed is None
