"""Every write to client records, care teams and episodes. Each takes the access the view reached the record
with (`policy.client` or `policy.practice`), opens its transaction and writes its audit event with the change."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from attune.accounts import services as account_services
from attune.accounts.inputs import PORTAL_KINDS
from attune.accounts.models import Invitation, Membership, User
from attune.care import inputs, perms
from attune.care.models import CareTeamMember, Client, Episode, PartnerLink, Practice, SafeContact
from attune.core import events
from attune.core.models import AuditEvent, SharingGrant
from attune.core.policy import Access, Perm, PracticeAccess
from attune.notify import services as notify


class StaleWriteError(Exception):
    """Someone else saved this record since it was read; nothing was overwritten."""


def _clinician_in(practice_id: int, clinician_id: int) -> User:
    user = User.objects.filter(
        pk=clinician_id,
        is_active=True,
        memberships__practice_id=practice_id,
        memberships__role=Membership.Role.CLINICIAN,
        memberships__active=True,
    ).first()
    if user is None:
        raise ValidationError({"clinician": "Choose a clinician of this practice."})
    return user


def create_client(
    practice: PracticeAccess,
    *,
    preferred_name: str,
    pronouns: str = "",
    referral_reason: str = "",
    primary_clinician_id: int | None = None,
) -> Client:
    """A practice admin opens a client record, with its first episode and, optionally, a primary clinician."""
    clinician = _clinician_in(practice.practice_id, primary_clinician_id) if primary_clinician_id else None
    with transaction.atomic():
        client = Client(
            practice_id=practice.practice_id, preferred_name=preferred_name.strip(), pronouns=pronouns.strip()
        )
        client.referral_reason = referral_reason
        client.save()
        Episode.objects.create(client=client)
        if clinician is not None:
            CareTeamMember.objects.create(client=client, clinician=clinician, role=CareTeamMember.Role.PRIMARY)
        practice.new_record(client).record(AuditEvent.Action.CREATE, "Patient", client.pk, perms.MANAGE_TEAM)
    return client


def _check_changes(access: Access, changes: Mapping[str, str]) -> None:
    unknown = set(changes) - set(inputs.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    if "preferred_name" in changes and not str(changes["preferred_name"]).strip():
        raise ValidationError({"preferred_name": "A preferred name is needed."})
    if "referral_reason" in changes and not access.can(perms.VIEW_CLINICAL):
        raise PermissionDenied("You cannot change this part of the record")


def update_client(access: Access, changes: Mapping[str, str], *, expected_version: int | None = None) -> Client:
    """Change the record's editable fields (access reached with client.update); a stale version changes nothing."""
    _check_changes(access, changes)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=access.client_id)
        if expected_version is not None and client.version != expected_version:
            raise StaleWriteError("This record was changed by someone else. Reload to see their changes.")
        for name, value in changes.items():
            setattr(client, name, value.strip() if name != "referral_reason" else value)
        client.version = F("version") + 1
        client.save()
        client.refresh_from_db(fields=["version"])
        access.record(AuditEvent.Action.UPDATE, "Patient", client.pk, perms.UPDATE)
    return client


def add_to_care_team(access: Access, clinician_id: int, *, primary: bool = False) -> CareTeamMember:
    """Add a clinician of the client's practice (access reached with careteam.manage), or make them primary."""
    clinician = _clinician_in(access.client.practice_id, clinician_id)
    with transaction.atomic():
        if primary:
            CareTeamMember.objects.filter(client_id=access.client_id, role=CareTeamMember.Role.PRIMARY).exclude(
                clinician=clinician
            ).update(role=CareTeamMember.Role.MEMBER)
        role = CareTeamMember.Role.PRIMARY if primary else CareTeamMember.Role.MEMBER
        member, created = CareTeamMember.objects.get_or_create(
            client_id=access.client_id, clinician=clinician, defaults={"role": role}
        )
        if not created and primary and not member.is_primary:
            member.role = role
            member.save(update_fields=["role"])
        action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
        access.record(action, "CareTeam", member.pk, perms.MANAGE_TEAM)
    return member


def remove_from_care_team(access: Access, member_id: int) -> None:
    with transaction.atomic():
        member = CareTeamMember.objects.filter(client_id=access.client_id, pk=member_id).first()
        if member is None:
            raise Http404("No such care-team member")
        member.delete()
        access.record(AuditEvent.Action.DELETE, "CareTeam", member_id, perms.MANAGE_TEAM)


def _check_opening(access: Access, opened: datetime.date) -> None:
    if opened > timezone.localdate():
        raise ValidationError({"opened": "An episode cannot open in the future."})
    last_closed = Episode.objects.filter(client_id=access.client_id, closed__isnull=False).order_by("-closed").first()
    if last_closed is not None and last_closed.closed is not None and opened < last_closed.closed:
        raise ValidationError({"opened": "A new episode cannot start before the last one closed."})


def open_episode(access: Access, *, opened: datetime.date | None = None) -> Episode:
    """Open an episode of care (access reached with episode.manage); only one is open at a time."""
    if opened is not None:
        _check_opening(access, opened)
    try:
        with transaction.atomic():
            episode = Episode(client_id=access.client_id)
            if opened is not None:
                episode.opened = opened
            episode.save()
            access.record(AuditEvent.Action.CREATE, "EpisodeOfCare", episode.pk, perms.MANAGE_EPISODES)
    except IntegrityError as exc:
        raise ValidationError("An episode of care is already open for this client.") from exc
    return episode


def close_episode(access: Access, *, closed: datetime.date, reason: str) -> Episode:
    """Close the open episode (access reached with episode.manage)."""
    if reason not in inputs.CLOSE_REASONS.values:
        raise ValidationError({"reason": "Choose a reason for closing the episode."})
    with transaction.atomic():
        episode = Episode.objects.select_for_update().filter(client_id=access.client_id, closed__isnull=True).first()
        if episode is None:
            raise ValidationError("There is no open episode of care to close.")
        if closed < episode.opened:
            raise ValidationError({"closed": "An episode cannot close before it opened."})
        if closed > timezone.localdate():
            # The page's form says so too; the API reaches here without it.
            raise ValidationError({"closed": "An episode cannot close in the future."})
        episode.closed, episode.close_reason = closed, reason
        episode.save(update_fields=["closed", "close_reason"])
        access.record(AuditEvent.Action.UPDATE, "EpisodeOfCare", episode.pk, perms.MANAGE_EPISODES)
    return episode


SafeContactValue = bool | str | None
TEXT_LIMITS = {"phone": inputs.PHONE_MAX, "times_to_avoid": inputs.TIMES_TO_AVOID_MAX}


def _checked_contact(changes: Mapping[str, SafeContactValue]) -> dict[str, SafeContactValue]:
    unknown = set(changes) - set(inputs.SAFE_CONTACT_FIELDS)
    if unknown:
        raise ValidationError({name: "This is not part of safe contact." for name in sorted(unknown)})
    checked: dict[str, SafeContactValue] = {}
    for name, value in changes.items():
        if name in inputs.SAFE_CONTACT_CHOICES:
            if value is not None and not isinstance(value, bool):
                raise ValidationError({name: "Yes, no, or not said."})
            checked[name] = value
        else:
            text = str(value or "").strip()
            if len(text) > TEXT_LIMITS[name]:
                raise ValidationError({name: f"Please keep this to {TEXT_LIMITS[name]} characters."})
            checked[name] = text
    return checked


def record_safe_contact(access: Access, changes: Mapping[str, SafeContactValue]) -> SafeContact:
    """The client says which ways of reaching them are safe (in their settings, or by answering the intake):
    only the fields given change; a choice left as None is "not said", which is never read as yes."""
    access.require(perms.MANAGE_CONTACT, "Patient", str(access.client_id))
    checked = _checked_contact(changes)
    with transaction.atomic():
        row, created = SafeContact.objects.select_for_update().get_or_create(client_id=access.client_id)
        for name, value in checked.items():
            setattr(row, name, value)
        row.updated = timezone.now()
        row.save()
        action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
        access.record(action, "Patient", access.client_id, perms.MANAGE_CONTACT)
    return row


def link_invited_account(event: events.InvitationAccepted) -> bool:
    """An invitation to a client's portal or to couples work was accepted (accounts publishes it inside the
    acceptance's transaction): link the new account to the client record, or the partner to the client. A
    ValidationError here rolls the whole acceptance back. Staff invitations are accounts' own business."""
    if event.client_id is None or event.kind not in PORTAL_KINDS:
        return False
    if event.kind == Invitation.Kind.CLIENT:
        client = Client.objects.select_for_update().get(pk=event.client_id)
        if client.user_id is not None or Client.objects.filter(user_id=event.user_id).exists():
            raise ValidationError("This portal account is already linked.")
        client.user_id = event.user_id
        client.save(update_fields=["user"])
    else:
        PartnerLink.objects.get_or_create(client_id=event.client_id, partner_id=event.user_id, ended__isnull=True)
    return True


PRACTICE_SETTINGS = (
    "country",
    "time_zone",
    "working_days",
    "day_starts",
    "day_ends",
    "escalation_minutes",
    "client_api_tokens",
)


def update_practice_settings(access: PracticeAccess, **values: object) -> Practice:
    """A practice admin sets the country, time zone, working days and hours and the escalation time: when an
    unacknowledged safety alert goes to more of the care team, and what clients are told about when the team
    will see what they said."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=access.practice_id)
        for name in PRACTICE_SETTINGS:
            if name in values:
                setattr(practice, name, values[name])
        practice.working_days = sorted(set(practice.working_days))
        practice.save(update_fields=list(PRACTICE_SETTINGS))
        access.record(AuditEvent.Action.UPDATE, "Organization", practice.pk, "practice.settings")
    return practice


def end_partner_link(access: Access, link: PartnerLink, perm: Perm) -> PartnerLink:
    """End a couples link at once: the client, the partner, or the clinician with the client (the caller holds
    `perm`, the couples capability's permission to end a link). From the next request the partner has no
    relationship with the client: nothing of the couple's space, nothing shared. The partner's sharing grants
    are revoked too, so that a later link never brings them back. The row and its history stay. The other person
    gets notify's neutral sentence; nobody is told why, because nobody is asked why."""
    access.require(perm)
    if link.client_id != access.client_id:
        raise access.deny_row("PartnerLink", link.pk, perm)
    with transaction.atomic():
        locked = PartnerLink.objects.select_for_update().filter(client_id=access.client_id, pk=link.pk).first()
        if locked is None:
            raise access.deny_row("PartnerLink", link.pk, perm)
        if locked.ended is not None:
            return locked
        now = timezone.now()
        locked.ended = now
        locked.save(update_fields=["ended"])
        grants = SharingGrant.objects.filter(
            client_id=access.client_id, grantee_user_id=locked.partner_id, revoked__isnull=True
        )
        grant_ids = list(grants.values_list("pk", flat=True))
        grants.update(revoked=now)
        access.record(AuditEvent.Action.UPDATE, "PartnerLink", locked.pk, perm)
        for grant_id in grant_ids:
            access.record(AuditEvent.Action.UPDATE, "Consent", grant_id, perm)
        client_user = Client.objects.filter(pk=access.client_id).values_list("user_id", flat=True).first()
        others = {p for p in (client_user, locked.partner_id) if p is not None and p != access.actor_id}
        for person in sorted(others):
            notify.enqueue(
                recipient_id=person,
                purpose="message",
                target="/",
                dedupe_key=f"partner-link:{locked.pk}:ended:{person}",
            )
    return locked


ERASED_NAME = "Erased client"


def on_client_erased(event: events.ClientErased) -> None:
    """The identifying fields of an erased client's record are cleared, partner links ended and the portal
    account closed, in the transaction of the confirmation. Free text is unreadable once the privacy centre
    destroys the client's data key; the row stays (ids only) so the audit trail and any retention hold still
    point somewhere."""
    client = Client.objects.select_related("user").filter(pk=event.client_id).first()
    if client is None:
        return
    account = client.user
    Client.objects.filter(pk=event.client_id).update(preferred_name=ERASED_NAME, pronouns="", user=None)
    PartnerLink.objects.filter(client_id=event.client_id, ended__isnull=True).update(ended=timezone.now())
    if account is not None:
        account_services.close_account(account, actor_id=event.confirmed_by)


def deactivate_staff(practice: PracticeAccess, user_id: int, new_primary: Mapping[str, int]) -> int:
    """Offboard a member of staff: every client for whom they are the primary clinician gets the new primary
    named in `new_primary` (client id -> clinician id) first; they leave every care team of the practice;
    clinicians they supervised lose them as supervisor; then their memberships end, and with them their sessions
    and tokens. All in one transaction: if one client is left without a primary, nothing changes.
    Returns how many care teams they left."""
    if user_id == practice.actor_id:
        raise ValidationError("You cannot deactivate your own account here. Ask another admin.")
    with transaction.atomic():
        rows = list(
            CareTeamMember.objects.select_for_update().filter(
                clinician_id=user_id, client__practice_id=practice.practice_id
            )
        )
        missing = [str(r.client_id) for r in rows if r.is_primary and str(r.client_id) not in new_primary]
        if missing:
            raise ValidationError("Choose a new primary clinician for each of their clients first.")
        for row in rows:
            if row.is_primary:
                successor = _clinician_in(practice.practice_id, new_primary[str(row.client_id)])
                if successor.pk == user_id:
                    raise ValidationError("Choose someone else as the new primary clinician.")
                row.delete()
                CareTeamMember.objects.update_or_create(
                    client_id=row.client_id, clinician=successor, defaults={"role": CareTeamMember.Role.PRIMARY}
                )
            else:
                row.delete()
            practice.record(AuditEvent.Action.DELETE, "CareTeam", row.pk, "deactivate")
        Membership.objects.filter(practice_id=practice.practice_id, supervisor_id=user_id).update(supervisor=None)
        account_services.set_membership_active(practice, user_id, False)
    return len(rows)


def may_hold_api_tokens(user: object) -> bool:
    """Staff hold API tokens; a client or a partner only when a practice whose record they are linked to has
    turned client tokens on (accounts asks this before it makes a token and on every use of one)."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    if Membership.objects.filter(user_id=pk, active=True).exists():
        return True
    own = Client.objects.filter(user_id=pk, practice__client_api_tokens=True)
    partnered = PartnerLink.objects.filter(partner_id=pk, ended__isnull=True, client__practice__client_api_tokens=True)
    return own.exists() or partnered.exists()
