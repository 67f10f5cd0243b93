"""The demo practice and the standing cast (DEVELOPERS.md), seeded idempotently.

Every situation described here is invented and written in general, respectful terms.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.care.models import CareTeamMember, Client, Episode, PartnerLink, Practice, SafeContact

DEMO_DOMAIN = "demo.attune.test"
DEFAULT_PASSWORD = "quiet-harbour-lantern-morning"  # noqa: S105 - demo only; `attune demo` refuses production
# Demo only: every demo staff account shares this authenticator secret (base32), so one app entry serves all.
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo only

PRACTICE_HOURS = {
    "country": "GB",
    "time_zone": "Europe/London",
    "working_days": [0, 1, 2, 3, 4],
    "day_starts": datetime.time(9, 0),
    "day_ends": datetime.time(17, 0),
    "escalation_minutes": 30,
}

STAFF = [
    # name, display name, practice, role, supervisor
    ("alice", "Alice Moreno", "northside", "clinician", "sam"),
    ("bob", "Bob Okafor", "northside", "clinician", "sam"),
    ("sam", "Sam Lindqvist", "northside", "supervisor", None),
    ("ada", "Ada Whitfield", "northside", "admin", None),
    ("rita", "Rita Chen", "northside", "researcher", None),
    ("carol", "Carol Mensah", "southside", "clinician", None),
]

CLIENTS = [
    # name, preferred name, pronouns, practice, primary, has login, referral reason
    (
        "dana",
        "Dana",
        "she/her",
        "northside",
        "alice",
        True,
        "Wants to feel safer and more present in her relationship, and to understand why she goes quiet when plans "
        "change suddenly. Hopes to talk about pacing and check-ins with her partner.",
    ),
    (
        "eli",
        "Eli",
        "they/them",
        "northside",
        "bob",
        True,
        "Notices strong reactions to certain tones of voice at work and at home, and would like tools for the "
        "moments when everything speeds up.",
    ),
    (
        "gus",
        "Gus",
        "he/him",
        "southside",
        "carol",
        True,
        "Looking for support with trust in a new relationship after a difficult past one.",
    ),
]

EXTRA_CLIENTS = [
    ("Amara", "she/her", "alice", "Would like to sleep better and feel less on edge in crowded places."),
    (
        "Ben",
        "he/him",
        "bob",
        "Wants to understand a pattern of pulling away when a relationship gets closer.",
    ),
    ("Chloe", "she/her", "alice", "Hoping to find words for limits and to feel able to use them."),
    ("Dev", "he/him", "bob", "Referred by his GP for support with low mood and tension in his body."),
    (
        "Esme",
        "she/they",
        "alice",
        "Wants help with reminders of a past relationship that arrive out of nowhere.",
    ),
    ("Farah", "she/her", "bob", "Would like to rebuild confidence in saying no without feeling guilty."),
    ("Georgie", "they/them", "alice", "Hoping to feel more at ease with touch and closeness again."),
    ("Hamid", "he/him", "bob", "Wants support with anger that surprises him after arguments."),
    ("Isla", "she/her", "alice", "Would like space to make sense of an experience from university."),
    ("Jonah", "he/him", "bob", "Hoping to feel less alone with what happened and to trust friends again."),
    ("Kemi", "she/her", "alice", "Would like help with panic in the body that comes before intimacy."),
    ("Luca", "he/they", "bob", "Wants to work on saying what he needs in his relationship."),
]


@dataclass
class Cast:
    practices: dict[str, Practice] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)


def email_for(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


_hashed: dict[tuple[str, str], str] = {}


def _user(name: str, display_name: str, password: str) -> User:
    user = User.objects.filter(email=email_for(name)).first()
    if user is None:
        # The demo's accounts share one published password: it is hashed once (Argon2 takes about a second on a
        # busy machine), not once per account, which kept a fresh clone's `make demo` waiting ten seconds more.
        key = (settings.PASSWORD_HASHERS[0], password)
        if key not in _hashed:
            _hashed[key] = make_password(password)
        user = User(email=email_for(name), display_name=display_name, password=_hashed[key])
        user.save()
    return user


def _client(practice: Practice, preferred: str, pronouns: str, reason: str, opened: datetime.date) -> Client:
    client = Client.objects.filter(practice=practice, preferred_name=preferred).first()
    if client is None:
        client = Client(practice=practice, preferred_name=preferred, pronouns=pronouns)
        client.referral_reason = reason
        client.save()
        Episode.objects.create(client=client, opened=opened)
    return client


def _care_team(client: Client, clinician: User, primary: bool = True) -> None:
    role = CareTeamMember.Role.PRIMARY if primary else CareTeamMember.Role.MEMBER
    CareTeamMember.objects.get_or_create(client=client, clinician=clinician, defaults={"role": role})


def totp_key_hex(secret_base32: str) -> str:
    padded = secret_base32.strip().upper().replace(" ", "")
    padded += "=" * (-len(padded) % 8)
    return base64.b32decode(padded).hex()


def current_code(secret_base32: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(totp_key_hex(secret_base32))).token():06d}"


def _enrol(user: User, secret_base32: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": totp_key_hex(secret_base32), "confirmed": True}
    )


@transaction.atomic
def seed(password: str = DEFAULT_PASSWORD, *, extra: bool = True, totp_secret: str = DEFAULT_TOTP_SECRET) -> Cast:
    """The cast; `extra` adds the caseload's further clients (the capabilities' data is workspace.demo's)."""
    cast = Cast()
    today = timezone.localdate()
    for slug, name in (("northside", "Northside"), ("southside", "Southside")):
        # Both demo practices are in Great Britain, open Monday to Friday, 09:00 to 17:00 London time.
        cast.practices[slug], _ = Practice.objects.update_or_create(
            # Client API tokens on, so the demo's API can be tried as a client too (off for a new practice).
            slug=slug,
            defaults={"name": name, **PRACTICE_HOURS, "client_api_tokens": True},
        )
    for name, display, *_rest in STAFF:
        cast.users[name] = _user(name, display, password)
    for name, _display, practice, role, supervisor in STAFF:
        _enrol(cast.users[name], totp_secret)
        Membership.objects.update_or_create(
            user=cast.users[name],
            practice=cast.practices[practice],
            role=role,
            defaults={"active": True, "supervisor": cast.users.get(supervisor) if supervisor else None},
        )
    for index, (name, preferred, pronouns, practice, primary, login, reason) in enumerate(CLIENTS):
        client = _client(
            cast.practices[practice],
            preferred,
            pronouns,
            reason,
            today - datetime.timedelta(days=90 + index * 20),
        )
        if login and client.user_id is None:
            client.user = _user(name, preferred, password)
            client.save(update_fields=["user"])
        if client.user_id:
            cast.users[name] = client.user  # type: ignore[assignment]
        _care_team(client, cast.users[primary])
        cast.clients[name] = client
    cast.users["frank"] = _user("frank", "Frank", password)
    PartnerLink.objects.get_or_create(client=cast.clients["dana"], partner=cast.users["frank"], ended__isnull=True)
    if extra:
        _seed_extra(cast, today)
    return cast


def _seed_extra(cast: Cast, today: datetime.date) -> None:
    # Bob is on Dana's care team in the full demo, so that an unacknowledged alert about her reaches him first,
    # then Sam (the standing test cast keeps bob off her team).
    _care_team(cast.clients["dana"], cast.users["bob"], primary=False)
    # Dana's safe ways of contact, as she might record them in her settings (invented, general terms).
    if not SafeContact.objects.filter(client=cast.clients["dana"]).exists():
        contact = SafeContact(client=cast.clients["dana"], email_ok=True, push_ok=True, phone_ok=True)
        contact.may_leave_message = False
        contact.phone = "07700 900123"
        contact.times_to_avoid = "No calls after 6 pm, please."
        contact.save()
    reasons = list(Episode.CloseReason.values)
    for index, (preferred, pronouns, primary, reason) in enumerate(EXTRA_CLIENTS):
        opened = today - datetime.timedelta(days=30 + index * 23)
        client = _client(cast.practices["northside"], preferred, pronouns, reason, opened)
        _care_team(client, cast.users[primary])
        if index % 4 == 3:
            # Every fourth client has finished an episode: the caseload shows discharged clients too.
            Episode.objects.filter(client=client, closed__isnull=True).update(
                closed=opened + datetime.timedelta(days=20), close_reason=reasons[index % len(reasons)]
            )
        if index % 5 == 0:
            other = cast.users["bob" if primary == "alice" else "alice"]
            _care_team(client, other, primary=False)


def logins(password: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = [(email_for(n), role, practice) for n, _d, practice, role, _s in STAFF]
    rows += [(email_for(c[0]), "client", c[3]) for c in CLIENTS]
    rows.append((email_for("frank"), "partner (of dana)", "northside"))
    return rows


def describe(password: str, totp_secret: str = DEFAULT_TOTP_SECRET) -> str:
    lines = ["Demo logins (all share one password):", ""]
    lines += [f"  {email:<28} {role:<20} {practice}" for email, role, practice in logins(password)]
    lines += [
        "",
        f"  password: {password}",
        "",
        "Staff sign in with a code too. Add this secret to an authenticator app (demo only):",
        f"  TOTP secret: {totp_secret}",
        f"  code right now: {current_code(totp_secret)}   (`attune demo --code` prints a fresh one)",
    ]
    return "\n".join(lines)
