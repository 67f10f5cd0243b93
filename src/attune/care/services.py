"""Every write to client records, care teams and episodes. Each opens its transaction, applies the policy
and writes its audit event with the change."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.care import perms
from attune.care.models import CareTeamMember, Client, Episode, Practice
from attune.care.records import practice_of, record_of
from attune.core import policy
from attune.core.models import AuditEvent

EDITABLE_FIELDS = ("preferred_name", "pronouns", "referral_reason")


class StaleWriteError(Exception):
    """Someone else saved this record since it was read; nothing was overwritten."""


def _write(actor: Any, access: policy.Access, action: str, entity_type: str, entity_id: Any, perm: policy.Perm) -> None:
    policy.record_access(actor, access, action, entity_type, str(entity_id), perm)


def _clinician_in(practice: Practice, clinician_id: Any) -> User:
    user = User.objects.filter(
        pk=clinician_id,
        is_active=True,
        memberships__practice=practice,
        memberships__role=Membership.Role.CLINICIAN,
        memberships__active=True,
    ).first()
    if user is None:
        raise ValidationError({"clinician": "Choose a clinician of this practice."})
    return user


def create_client(
    actor: Any,
    practice_id: Any,
    *,
    preferred_name: str,
    pronouns: str = "",
    referral_reason: str = "",
    primary_clinician_id: Any = None,
) -> Client:
    """A practice admin opens a client record, with its first episode and, optionally, a primary clinician."""
    practice_access = policy.practice(actor, practice_id, Membership.Role.ADMIN)
    practice = practice_of(practice_access)
    clinician = _clinician_in(practice, primary_clinician_id) if primary_clinician_id else None
    with transaction.atomic():
        client = Client(practice=practice, preferred_name=preferred_name.strip(), pronouns=pronouns.strip())
        client.referral_reason = referral_reason
        client.save()
        Episode.objects.create(client=client)
        if clinician is not None:
            CareTeamMember.objects.create(client=client, clinician=clinician, role=CareTeamMember.Role.PRIMARY)
        access = practice_access.new_record(client)
        _write(actor, access, AuditEvent.Action.CREATE, "Patient", client.pk, perms.MANAGE_TEAM)
    return client


def update_client(
    actor: Any, client_id: Any, changes: dict[str, Any], *, expected_version: int | None = None
) -> Client:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    if "preferred_name" in changes and not str(changes["preferred_name"]).strip():
        raise ValidationError({"preferred_name": "A preferred name is needed."})
    perm = perms.UPDATE
    access = policy.get_client_for(actor, client_id, perm)
    if "referral_reason" in changes and not policy.allows(access, perms.VIEW_CLINICAL, actor):
        raise policy.PermissionDenied("You cannot change this part of the record")
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=access.client_id)
        if expected_version is not None and client.version != expected_version:
            raise StaleWriteError("This record was changed by someone else. Reload to see their changes.")
        for name, value in changes.items():
            setattr(client, name, value.strip() if isinstance(value, str) and name != "referral_reason" else value)
        client.version = F("version") + 1
        client.save()
        client.refresh_from_db(fields=["version"])
        _write(actor, access, AuditEvent.Action.UPDATE, "Patient", client.pk, perm)
    return client


def add_to_care_team(actor: Any, client_id: Any, clinician_id: Any, *, primary: bool = False) -> CareTeamMember:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_TEAM)
    clinician = _clinician_in(record_of(access).practice, clinician_id)
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
        _write(actor, access, action, "CareTeam", member.pk, perms.MANAGE_TEAM)
    return member


def remove_from_care_team(actor: Any, client_id: Any, member_id: Any) -> None:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_TEAM)
    with transaction.atomic():
        member = CareTeamMember.objects.filter(client_id=access.client_id, pk=member_id).first()
        if member is None:
            raise Http404("No such care-team member")
        member.delete()
        _write(actor, access, AuditEvent.Action.DELETE, "CareTeam", member_id, perms.MANAGE_TEAM)


def _check_opening(client: Client, opened: datetime.date) -> None:
    if opened > timezone.localdate():
        raise ValidationError({"opened": "An episode cannot open in the future."})
    last_closed = Episode.objects.filter(client=client, closed__isnull=False).order_by("-closed").first()
    if last_closed is not None and last_closed.closed is not None and opened < last_closed.closed:
        raise ValidationError({"opened": "A new episode cannot start before the last one closed."})


def open_episode(actor: Any, client_id: Any, *, opened: datetime.date | None = None) -> Episode:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_EPISODES)
    if opened is not None:
        _check_opening(record_of(access), opened)
    try:
        with transaction.atomic():
            episode = Episode(client_id=access.client_id)
            if opened is not None:
                episode.opened = opened
            episode.save()
            _write(actor, access, AuditEvent.Action.CREATE, "EpisodeOfCare", episode.pk, perms.MANAGE_EPISODES)
    except IntegrityError as exc:
        raise ValidationError("An episode of care is already open for this client.") from exc
    return episode


def close_episode(actor: Any, client_id: Any, *, closed: datetime.date, reason: str) -> Episode:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_EPISODES)
    if reason not in Episode.CloseReason.values:
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
        _write(actor, access, AuditEvent.Action.UPDATE, "EpisodeOfCare", episode.pk, perms.MANAGE_EPISODES)
    return episode
