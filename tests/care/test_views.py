"""The care pages: caseload, client record, edits, episodes, care teams, portal invitations, practice people,
accepting invitations, and the portal home."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Invitation, Membership, User
from attune.care.models import CareTeamMember, Client, Episode
from attune.core.models import AuditEvent, SharingGrant
from tests.cast import CANARIES, Cast

STRONG_PASSWORD = "copper kettle winter orchard lamp"


@pytest.fixture
def as_user(client_for: Any) -> Any:
    """A signed-in browser with a CSRF cookie; post() sends the matching token, as a form would."""

    def make(user: User | None) -> DjangoClient:
        browser: DjangoClient = client_for(user)
        browser.cookies[settings.CSRF_COOKIE_NAME] = secrets.token_hex(16)
        return browser

    return make


def post(browser: DjangoClient, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    return browser.post(path, data or {}, HTTP_X_CSRFTOKEN=token, **extra)


def text(response: Any) -> str:
    return str(response.content.decode())


def has_canary(response: Any) -> bool:
    body = text(response)
    return any(c in body for c in CANARIES)


def make_clients(cast: Cast, count: int, *, prefix: str = "Extra", discharged_every: int = 0) -> list[Client]:
    practice = cast.practices["northside"]
    clients = Client.objects.bulk_create(
        [Client(practice=practice, preferred_name=f"{prefix} {i:02d}") for i in range(count)]
    )
    today = timezone.localdate()
    closes = [bool(discharged_every) and i % discharged_every == 0 for i in range(count)]
    Episode.objects.bulk_create(
        [
            Episode(
                client=c,
                opened=today - datetime.timedelta(days=30),
                closed=today if closed else None,
                close_reason="completed" if closed else "",
            )
            for c, closed in zip(clients, closes, strict=True)
        ]
    )
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(client=c, clinician=cast.alice, role=CareTeamMember.Role.PRIMARY) for c in clients]
    )
    return clients


def names_on(response: Any) -> list[str]:
    return [row["client"].preferred_name for row in response.context["rows"]]


# --- caseload ---------------------------------------------------------------------------------------------


def test_caseload_lists_each_person_s_clients(cast: Cast, as_user: Any) -> None:
    caseload = reverse("workspace:caseload")
    assert names_on(as_user(cast.alice).get(caseload)) == ["Dana"]
    assert names_on(as_user(cast.bob).get(caseload)) == ["Eli"]
    assert names_on(as_user(cast.sam).get(caseload)) == ["Dana", "Eli"]
    assert names_on(as_user(cast.carol).get(caseload)) == ["Gus"]
    page = as_user(cast.sam).get(caseload)
    assert "supervising" in text(page)
    assert not has_canary(page)


def test_caseload_search_and_status_filter(cast: Cast, as_user: Any) -> None:
    make_clients(cast, 4, prefix="Anaya", discharged_every=2)
    alice, caseload = as_user(cast.alice), reverse("workspace:caseload")
    assert names_on(post(alice, caseload, {"q": "ana"})) == ["Anaya 00", "Anaya 01", "Anaya 02", "Anaya 03", "Dana"]
    assert names_on(alice.get(caseload, {"status": "discharged"})) == ["Anaya 00", "Anaya 02"]
    assert names_on(post(alice, caseload, {"status": "active", "q": "anaya"})) == ["Anaya 01", "Anaya 03"]
    # Names typed in a URL are not searched (they would sit in history and logs): only a posted search is.
    assert len(names_on(alice.get(caseload, {"q": "anaya"}))) == 5
    empty = post(alice, caseload, {"q": "nobody"})
    assert "No clients match this search" in text(empty)
    # An unknown filter value is ignored rather than an error.
    assert names_on(alice.get(caseload, {"status": "asleep"}))[-1] == "Dana"


def test_caseload_pages_keep_the_filters(cast: Cast, as_user: Any) -> None:
    make_clients(cast, 30, prefix="Pat")
    alice, caseload = as_user(cast.alice), reverse("workspace:caseload")
    first = post(alice, caseload, {"q": "pat"})
    assert len(first.context["rows"]) == 25
    assert "page 1 of 2" in text(first)
    # The next page posts the search again: the name never enters a link.
    assert "q=pat" not in text(first) and '<input type="hidden" name="q" value="pat">' in text(first)
    assert '<button class="link-button" type="submit" name="page" value="2">' in text(first)
    second = post(alice, caseload, {"q": "pat", "page": 2})
    assert names_on(second) == [f"Pat {i:02d}" for i in range(25, 30)]
    assert alice.get(caseload, {"page": 99}).context["page"].number == 2


def test_caseload_query_count_does_not_grow_with_the_caseload(cast: Cast, as_user: Any) -> None:
    alice, caseload = as_user(cast.alice), reverse("workspace:caseload")
    alice.get(caseload)  # the first request of a session records it; later ones are steady

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = alice.get(caseload)
        assert response.status_code == 200
        return len(queries)

    make_clients(cast, 5, prefix="Few")
    few = count()
    make_clients(cast, 40, prefix="Many")
    assert count() == few


# --- the client record ------------------------------------------------------------------------------------


def test_overview_shows_clinical_text_to_the_care_team_only(cast: Cast, as_user: Any) -> None:
    page = reverse("workspace:client", args=[cast.client("dana").pk])
    alice = as_user(cast.alice).get(page)
    assert alice.status_code == 200
    assert has_canary(alice)
    assert "What brings them here" in text(alice)
    for user in (cast.sam, cast.ada):
        response = as_user(user).get(page)
        assert response.status_code == 200
        assert "Dana" in text(response)
        assert not has_canary(response)
        assert "What brings them here" not in text(response)


def test_overview_offers_only_the_actions_the_viewer_may_take(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    alice = text(as_user(cast.alice).get(reverse("workspace:client", args=[dana.pk])))
    ada = text(as_user(cast.ada).get(reverse("workspace:client", args=[dana.pk])))
    assert reverse("care:client_edit", args=[dana.pk]) in alice
    assert reverse("care:episode_close", args=[dana.pk]) in alice
    assert reverse("care:care_team", args=[dana.pk]) not in alice
    assert reverse("care:client_edit", args=[dana.pk]) not in ada
    assert reverse("care:care_team", args=[dana.pk]) in ada


def test_reading_the_record_is_audited(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    as_user(cast.alice).get(reverse("workspace:client", args=[dana.pk]))
    reads = AuditEvent.objects.filter(id__gt=before, client_id=dana.pk, action="R", outcome=0)
    # The outline, and the clinical text the overview shows (what brings the client here), each audited.
    assert [(e.agent_id, e.agent_role, e.reason) for e in reads] == [
        (cast.alice.pk, "clinician", "client.view"),
        (cast.alice.pk, "clinician", "client.view_clinical"),
    ]


def test_alice_edits_the_record(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    alice, edit = as_user(cast.alice), reverse("care:client_edit", args=[dana.pk])
    form = alice.get(edit)
    assert form.status_code == 200
    assert form.context["form"].initial["version"] == dana.version
    data = {"preferred_name": " Dana R ", "pronouns": "she/they", "referral_reason": "In her words.", "version": 1}
    response = post(alice, edit, data)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("workspace:client", args=[dana.pk])
    dana.refresh_from_db()
    assert (dana.preferred_name, dana.pronouns, dana.referral_reason, dana.version) == (
        "Dana R",
        "she/they",
        "In her words.",
        2,
    )


def test_a_stale_edit_shows_an_error_and_overwrites_nothing(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    edit = reverse("care:client_edit", args=[dana.pk])
    post(as_user(cast.dana), edit, {"preferred_name": "Dana", "pronouns": "she/her", "version": 1})
    response = post(as_user(cast.alice), edit, {"preferred_name": "Danielle", "pronouns": "they", "version": 1})
    assert response.status_code == 200
    assert "changed by someone else" in text(response)
    dana.refresh_from_db()
    assert (dana.preferred_name, dana.pronouns, dana.version) == ("Dana", "she/her", 2)


def test_an_empty_name_is_a_form_error(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    response = post(as_user(cast.alice), reverse("care:client_edit", args=[dana.pk]), {"preferred_name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_name"]
    dana.refresh_from_db()
    assert dana.preferred_name == "Dana"


# --- episodes ---------------------------------------------------------------------------------------------


def test_alice_closes_and_reopens_an_episode(cast: Cast, as_user: Any) -> None:
    dana, alice = cast.client("dana"), as_user(cast.alice)
    today = timezone.localdate()
    closed = post(
        alice, reverse("care:episode_close", args=[dana.pk]), {"closed": today, "reason": "client_choice"}, follow=True
    )
    assert "The episode of care is closed." in text(closed)
    episode = Episode.objects.get(client=dana)
    assert (episode.closed, episode.close_reason) == (today, "client_choice")
    assert "Discharged" in text(closed)
    opened = post(alice, reverse("care:episode_open", args=[dana.pk]), follow=True)
    assert "A new episode of care is open." in text(opened)
    assert Episode.objects.filter(client=dana, closed__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"closed": "2999-01-01", "reason": "completed"}, "cannot close in the future"),
        ({"closed": "1999-01-01", "reason": "completed"}, "cannot close before it opened"),
        ({"closed": "yesterday", "reason": "completed"}, "Enter a valid date"),
        ({"reason": "bored"}, "Select a valid choice"),
    ],
)
def test_a_bad_close_explains_itself_and_changes_nothing(
    cast: Cast, as_user: Any, data: dict[str, str], message: str
) -> None:
    dana = cast.client("dana")
    response = post(as_user(cast.alice), reverse("care:episode_close", args=[dana.pk]), data, follow=True)
    assert message in text(response)
    assert Episode.objects.get(client=dana).closed is None


def test_a_second_open_episode_is_refused_with_a_message(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    response = post(as_user(cast.alice), reverse("care:episode_open", args=[dana.pk]), follow=True)
    assert "already open" in text(response)
    assert Episode.objects.filter(client=dana).count() == 1


def test_episode_pages_take_post_only(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    for name in ("care:episode_open", "care:episode_close", "care:invite_to_portal"):
        assert as_user(cast.alice).get(reverse(name, args=[dana.pk])).status_code == 405


# --- care team --------------------------------------------------------------------------------------------


def test_ada_manages_the_care_team(cast: Cast, as_user: Any) -> None:
    dana, ada = cast.client("dana"), as_user(cast.ada)
    page = reverse("care:care_team", args=[dana.pk])
    listing = ada.get(page)
    assert listing.status_code == 200
    assert [m.clinician for m in listing.context["team"]] == [cast.alice]
    # Only clinicians of the practice are offered (not carol of Southside, not sam the supervisor).
    assert dict(listing.context["form"].fields["clinician"].choices) == {
        cast.alice.pk: "Alice Moreno",
        cast.bob.pk: "Bob Okafor",
    }
    assert not has_canary(listing)
    response = post(ada, page, {"clinician": cast.bob.pk, "primary": "on"})
    assert response.status_code == 302
    roles = dict(CareTeamMember.objects.filter(client=dana).values_list("clinician__email", "role"))
    assert roles == {cast.bob.email: "primary", cast.alice.email: "member"}
    alice_row = CareTeamMember.objects.get(client=dana, clinician=cast.alice)
    post(ada, reverse("care:care_team_remove", args=[dana.pk, alice_row.pk]))
    assert as_user(cast.alice).get(reverse("workspace:client", args=[dana.pk])).status_code == 404


def test_an_outside_clinician_cannot_be_added_even_by_forging_the_form(cast: Cast, as_user: Any) -> None:
    dana = cast.client("dana")
    response = post(as_user(cast.ada), reverse("care:care_team", args=[dana.pk]), {"clinician": cast.carol.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["clinician"]
    assert not CareTeamMember.objects.filter(client=dana, clinician=cast.carol).exists()


def test_the_care_team_page_is_for_the_admin_only(cast: Cast, as_user: Any) -> None:
    page = reverse("care:care_team", args=[cast.client("dana").pk])
    for user in (cast.alice, cast.sam, cast.dana):
        response = as_user(user).get(page)
        assert response.status_code == 403
        assert not has_canary(response)


# --- portal invitations -----------------------------------------------------------------------------------


def new_client_without_login(cast: Cast, name: str = "Robin") -> Client:
    client = Client(practice=cast.practices["northside"], preferred_name=name)
    client.referral_reason = CANARIES[0]  # an existing canary, so the checks below look for it
    client.save()
    Episode.objects.create(client=client)
    return client


def invitation_link(message: Any) -> str:
    match = re.search(r"/account/invitation/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def test_ada_invites_a_client_to_the_portal_with_a_neutral_email(
    cast: Cast, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    robin = new_client_without_login(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            as_user(cast.ada), reverse("care:invite_to_portal", args=[robin.pk]), {"email": "r@example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["r@example.org"]
    everything = f"{message.subject}\n{message.body}\n{message.from_email}".lower()
    for word in ("therap", "robin", "counsel", "trauma", "coercion", "clinic", "northside", "canary"):
        assert word not in everything, word
    assert Invitation.objects.get(client=robin).kind == Invitation.Kind.CLIENT


def test_an_invalid_or_repeated_portal_invitation_sends_nothing(
    cast: Cast, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    robin, ada = new_client_without_login(cast), as_user(cast.ada)
    with django_capture_on_commit_callbacks(execute=True):
        bad = post(ada, reverse("care:invite_to_portal", args=[robin.pk]), {"email": "not-an-address"}, follow=True)
        taken = post(ada, reverse("care:invite_to_portal", args=[cast.client("dana").pk]), {"email": "d@example.org"})
    assert "Please enter a valid email address." in text(bad)
    assert taken.status_code == 302
    assert mail.outbox == []
    assert not Invitation.objects.filter(kind=Invitation.Kind.CLIENT).exists()


def test_alice_cannot_invite_to_the_portal(cast: Cast, as_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    robin = new_client_without_login(cast)
    CareTeamMember.objects.create(client=robin, clinician=cast.alice, role=CareTeamMember.Role.PRIMARY)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_user(cast.alice), reverse("care:invite_to_portal", args=[robin.pk]), {"email": "r@x.org"})
    assert response.status_code == 403
    assert mail.outbox == []


# --- practice people and staff invitations ----------------------------------------------------------------


def test_people_page_lists_the_practice_only(cast: Cast, as_user: Any) -> None:
    response = as_user(cast.ada).get(reverse("practice:people", args=[cast.practices["northside"].pk]))
    assert response.status_code == 200
    emails = {m.user.email for m in response.context["members"]}
    assert emails == {cast.users[n].email for n in ("alice", "bob", "sam", "ada", "rita")}
    assert not has_canary(response)


def test_ada_invites_a_colleague_who_accepts_once(
    cast: Cast, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = reverse("practice:people", args=[cast.practices["northside"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_user(cast.ada), people, {"email": "New.Colleague@Example.org", "kind": "clinician"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["new.colleague@example.org"]]
    assert "therap" not in mail.outbox[0].body.lower()
    assert "new.colleague@example.org" in text(as_user(cast.ada).get(people))
    link = invitation_link(mail.outbox[0])

    visitor = as_user(None)
    assert "Set up your account" in text(visitor.get(link))
    accepted = post(visitor, link, {"display_name": "Noor", "password": STRONG_PASSWORD})
    assert accepted.status_code == 302
    noor = User.objects.get(email="new.colleague@example.org")
    assert Membership.objects.filter(user=noor, practice=cast.practices["northside"], role="clinician").exists()
    assert int(visitor.session["_auth_user_id"]) == noor.pk

    # The link works once.
    again = as_user(None)
    assert again.get(link).status_code == 404
    reuse = post(again, link, {"display_name": "Mallory", "password": STRONG_PASSWORD})
    assert reuse.status_code == 404
    assert "This link no longer works" in text(reuse)
    assert User.objects.filter(email="new.colleague@example.org").count() == 1


def test_an_expired_or_withdrawn_invitation_shows_the_unusable_page(cast: Cast, as_user: Any) -> None:
    links = {}
    for state in ("expired", "withdrawn"):
        raw, hashed = Invitation.new_token()
        invitation = Invitation.objects.create(
            practice=cast.practices["northside"], email=f"{state}@example.org", kind="clinician", token_hash=hashed
        )
        links[state] = (raw, invitation)
    Invitation.objects.filter(pk=links["expired"][1].pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    people = cast.practices["northside"].pk
    withdraw = reverse("practice:withdraw_invitation", args=[people, links["withdrawn"][1].pk])
    assert post(as_user(cast.ada), withdraw).status_code == 302
    for raw, _ in links.values():
        link = reverse("accounts:accept_invitation", args=[raw])
        visitor = as_user(None)
        assert visitor.get(link).status_code == 404
        response = post(visitor, link, {"display_name": "Someone", "password": STRONG_PASSWORD})
        assert response.status_code == 404
        assert "This link no longer works" in text(response)
    assert not User.objects.filter(email__in=["expired@example.org", "withdrawn@example.org"]).exists()


def test_a_client_accepts_a_portal_invitation_and_lands_in_the_portal(cast: Cast, as_user: Any) -> None:
    robin = new_client_without_login(cast)
    raw, hashed = Invitation.new_token()
    Invitation.objects.create(
        practice=robin.practice, email="robin@example.org", kind="client", client=robin, token_hash=hashed
    )
    visitor = as_user(None)
    link = reverse("accounts:accept_invitation", args=[raw])
    assert post(visitor, link, {"display_name": "Robin", "password": STRONG_PASSWORD}).status_code == 302
    robin.refresh_from_db()
    assert robin.user is not None and robin.user.email == "robin@example.org"
    portal = visitor.get(reverse("workspace:portal"))
    assert portal.status_code == 200
    assert "Hello, Robin" in text(portal)


def test_an_existing_account_accepts_with_its_password(cast: Cast, as_user: Any) -> None:
    raw, hashed = Invitation.new_token()
    Invitation.objects.create(
        practice=cast.practices["southside"], email=cast.rita.email, kind="researcher", token_hash=hashed
    )
    link = reverse("accounts:accept_invitation", args=[raw])
    visitor = as_user(None)
    assert "Enter its password" in text(visitor.get(link))
    wrong = post(visitor, link, {"password": "not the password of rita"})
    assert wrong.status_code == 200
    assert not Membership.objects.filter(user=cast.rita, practice=cast.practices["southside"]).exists()
    from tests.cast import PASSWORD

    assert post(visitor, link, {"password": PASSWORD}).status_code == 302
    assert Membership.objects.filter(user=cast.rita, practice=cast.practices["southside"], role="researcher").exists()


# --- the portal -------------------------------------------------------------------------------------------


def test_dana_s_portal_shows_her_own_record(cast: Cast, as_user: Any) -> None:
    response = as_user(cast.dana).get(reverse("workspace:portal"))
    assert response.status_code == 200
    body = text(response)
    assert "Hello, Dana" in body
    assert "Alice Moreno" in body
    assert cast.client("dana").referral_reason in body
    assert cast.client("eli").referral_reason not in body


@pytest.mark.parametrize("shared", [False, True])
def test_frank_s_portal_shows_the_link_and_nothing_private(cast: Cast, as_user: Any, shared: bool) -> None:
    if shared:
        SharingGrant.objects.create(client=cast.client("dana"), grantee_user=cast.frank, category="referral")
    response = as_user(cast.frank).get(reverse("workspace:portal"))
    assert response.status_code == 200
    body = text(response)
    assert "What Dana shares with you" in body
    assert not has_canary(response)
    # Nothing about dana's care: not her clinician, not when her work began.
    assert "Alice" not in body
    assert "Working together since" not in body


def test_home_sends_each_person_to_their_start_page(cast: Cast, as_user: Any) -> None:
    expected = {
        "dana": "workspace:portal",
        "frank": "workspace:portal",
        "alice": "workspace:caseload",
        "sam": "workspace:caseload",
        "ada": "workspace:caseload",
        "rita": "workspace:research",
    }
    for name, target in expected.items():
        assert as_user(cast.users[name]).get(reverse("home")).headers["Location"] == reverse(target), name


# --- the record is reached first; invitations link accounts through an event -----------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("care:client_edit", {"preferred_name": "", "version": "x"}),
        ("care:episode_close", {"closed": "not a date", "reason": "nonsense"}),
        ("care:care_team", {"clinician": "nobody"}),
        ("care:invite_to_portal", {"email": "not-an-address"}),
    ],
)
def test_an_outsider_posting_an_invalid_form_gets_404_and_an_audited_denial(
    cast: Cast, as_user: Any, name: str, data: dict[str, str]
) -> None:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = post(as_user(cast.carol), reverse(name, args=[cast.client("dana").pk]), data)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(id__gt=before, agent_id=cast.carol.pk, outcome=AuditEvent.Outcome.DENIED).exists()


def test_the_record_layer_links_accepted_portal_invitations() -> None:
    from attune.care import services
    from attune.core import events

    assert services.link_invited_account in events.subscribers(events.InvitationAccepted)


def test_a_portal_invitation_for_an_already_linked_account_is_refused_and_rolled_back(cast: Cast, as_user: Any) -> None:
    robin = new_client_without_login(cast)
    raw, hashed = Invitation.new_token()
    invitation = Invitation.objects.create(
        practice=robin.practice, email=cast.dana.email, kind="client", client=robin, token_hash=hashed
    )
    from tests.cast import PASSWORD

    visitor = as_user(None)
    response = post(visitor, reverse("accounts:accept_invitation", args=[raw]), {"password": PASSWORD})
    assert response.status_code == 200
    assert "already linked" in text(response)
    invitation.refresh_from_db()
    robin.refresh_from_db()
    assert invitation.accepted is None and robin.user_id is None
