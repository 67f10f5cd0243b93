"""Every write to accounts: invitations, accepting them, API tokens, profile changes."""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from attune.accounts import sessions
from attune.accounts.inputs import PORTAL_KINDS, STAFF_KINDS
from attune.accounts.models import ApiToken, Invitation, Membership, User, UserSession, hash_token
from attune.core import audit, events
from attune.core.models import AuditEvent
from attune.core.policy import Access, Perm, PracticeAccess


def _event(
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    client_id: uuid.UUID | None = None,
    role: str = "",
) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=actor_id,
            agent_role=role or "user",
            entity_type=entity_type,
            entity_id=str(entity_id),
            client_id=client_id,
        )
    )


def _send_invitation(invitation: Invitation, raw_token: str) -> None:
    # Neutral words only (SECURITY.md 14): nothing about therapy, the practice's speciality or the client.
    link = settings.ATTUNE_SITE_URL + reverse("accounts:accept_invitation", args=[raw_token])
    context = {"link": link, "days": settings.ATTUNE_INVITATION_DAYS}
    send_mail(
        subject="Your invitation to Attune",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def invite_staff(practice: PracticeAccess, email: str, kind: str) -> Invitation:
    """A practice admin (the access says so) invites someone to a staff role in the practice."""
    if kind not in STAFF_KINDS:
        raise ValidationError({"kind": "Choose clinician, supervisor, admin or researcher."})
    raw, hashed = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            practice_id=practice.practice_id,
            email=email.strip().lower(),
            kind=kind,
            token_hash=hashed,
            created_by_id=practice.actor_id,
        )
        _event(practice.actor_id, AuditEvent.Action.CREATE, "Invitation", invitation.pk, role="admin")
        transaction.on_commit(lambda: _send_invitation(invitation, raw))
    return invitation


def invite_to_portal(access: Access, email: str, *, perm: Perm, kind: str = Invitation.Kind.CLIENT) -> Invitation:
    """Invite a client to their portal, or (kind=partner) a partner for couples work. `perm` is the record
    layer's permission to invite, which the caller reached the client with; the invitation is audited under it."""
    access.require(perm)
    if kind not in PORTAL_KINDS:
        raise ValidationError({"kind": "Choose client or partner."})
    if kind == Invitation.Kind.CLIENT and access.client.user_id is not None:
        raise ValidationError({"email": "This client already has a portal account."})
    raw, hashed = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            practice_id=access.client.practice_id,
            email=email.strip().lower(),
            kind=kind,
            client_id=access.client_id,
            token_hash=hashed,
            created_by_id=access.actor_id,
        )
        access.record(AuditEvent.Action.CREATE, "Invitation", invitation.pk, perm)
        transaction.on_commit(lambda: _send_invitation(invitation, raw))
    return invitation


def withdraw_invitation(practice: PracticeAccess, invitation_id: uuid.UUID | str) -> Invitation:
    """A practice admin withdraws one of the practice's invitations; its link stops working."""
    invitation = Invitation.objects.filter(pk=invitation_id, practice=practice.practice_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    with transaction.atomic():
        invitation.withdrawn = invitation.withdrawn or timezone.now()
        invitation.save(update_fields=["withdrawn"])
        _event(practice.actor_id, AuditEvent.Action.UPDATE, "Invitation", invitation.pk, role="admin")
    return invitation


def find_invitation(raw_token: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=hash_token(raw_token)).select_related("practice").first()
    return invitation if invitation is not None and invitation.usable else None


def existing_user_for(invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def accept_invitation(raw_token: str, *, display_name: str, password: str, existing_user: User | None = None) -> User:
    """Turn an invitation into an account (or a new role for an existing account). Single use."""
    with transaction.atomic():
        invitation = (
            # Lock the invitation row only: PostgreSQL cannot lock the nullable side of the join to the client.
            Invitation.objects.select_for_update(of=("self",))
            .filter(token_hash=hash_token(raw_token))
            .select_related("client")
            .first()
        )
        if invitation is None or not invitation.usable:
            raise ValidationError("This invitation link has expired or was already used.")
        user = existing_user
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError("Sign in to accept this invitation.")
            candidate = User(email=invitation.email, display_name=display_name)
            candidate._attune_mfa = invitation.kind in STAFF_KINDS  # type: ignore[attr-defined]
            password_validation.validate_password(password, candidate)
            user = User.objects.create_user(invitation.email, password, display_name=display_name)
        _grant_invited_role(invitation, user)
        invitation.accepted = timezone.now()
        invitation.save(update_fields=["accepted"])
        _event(user.pk, AuditEvent.Action.UPDATE, "Invitation", invitation.pk, client_id=invitation.client_id)
    return user


def _grant_invited_role(invitation: Invitation, user: User) -> None:
    """A staff role is accounts' own row; linking a portal account or a partner to a client is the record
    layer's, which does it on InvitationAccepted, in this transaction (its ValidationError rolls it back)."""
    if invitation.kind in STAFF_KINDS:
        Membership.objects.update_or_create(
            user=user, practice_id=invitation.practice_id, role=invitation.kind, defaults={"active": True}
        )
        return
    accepted = events.InvitationAccepted(invitation.pk, invitation.kind, user.pk, invitation.client_id)
    if not any(events.publish(accepted)):
        # Without a subscriber the account would exist but reach nothing: refuse rather than half-accept.
        raise RuntimeError("no app links portal invitations to client records (is attune.care installed?)")


def update_profile(user: User, *, display_name: str) -> User:
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        _event(user.pk, AuditEvent.Action.UPDATE, "Person", user.pk)
    return user


def _everyone(user: User) -> bool:
    return True


_token_rule: Callable[[User], bool] = _everyone


def use_token_rule(rule: Callable[[User], bool]) -> None:
    """Who may hold API tokens: the record layer (care) knows who is a client or a partner, and of which practice;
    accounts cannot import it, so care hands the rule down in its AppConfig.ready()."""
    global _token_rule
    _token_rule = rule


def may_hold_tokens(user: User) -> bool:
    return _token_rule(user)


TOKENS_OFF = "Your practice has not turned on API tokens for clients. You can use Attune in the browser."


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    if not may_hold_tokens(user):
        _refused(user.pk, "tokens-off")
        raise PermissionDenied(TOKENS_OFF)
    raw, hashed = ApiToken.new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip() or "API token", prefix=raw[:10], token_hash=hashed)
        _event(user.pk, AuditEvent.Action.CREATE, "ApiToken", token.pk)
    return token, raw


def revoke_api_token(user: User, token_id: int | str) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked__isnull=True).first()
    if token is None:
        # Someone else's token, or none: the same 404, audited as a refusal like every other one.
        audit.record(
            audit.Entry(
                action=AuditEvent.Action.UPDATE,
                outcome=AuditEvent.Outcome.DENIED,
                agent_id=user.pk,
                agent_role="user",
                entity_type="ApiToken",
                entity_id=str(token_id)[:64],
                reason="no-such-token",
            )
        )
        raise Http404("No such token")
    with transaction.atomic():
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        _event(user.pk, AuditEvent.Action.UPDATE, "ApiToken", token.pk)
    return token


def token_limits(token: ApiToken) -> tuple[datetime.datetime, datetime.datetime]:
    """When a token stops working (SECURITY 34: no later than a session): its absolute end, and the moment it
    idles out if it is not used before then. The idle limit is the owner's session idle timeout."""
    absolute = token.created + timedelta(seconds=settings.ATTUNE_ABSOLUTE_TIMEOUT)
    idle = (token.last_used or token.created) + timedelta(seconds=sessions.idle_timeout(token.user))
    return absolute, min(idle, absolute)


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.filter(token_hash=hash_token(raw), revoked__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        # An attempt with a token that is no one's (or no longer anyone's): anonymous, named by the start of its hash.
        audit.record(
            audit.Entry(
                action=AuditEvent.Action.EXECUTE,
                outcome=AuditEvent.Outcome.DENIED,
                agent_id=None,
                agent_role="none",
                entity_type="ApiToken",
                entity_id=hash_token(raw)[:16],
                reason="token-refused",
            )
        )
        return None
    if not may_hold_tokens(token.user):
        # The practice turned client tokens off after this one was made: it no longer opens anything.
        _refused(token.user_id, "tokens-off")
        return None
    now = timezone.now()
    absolute, idle = token_limits(token)
    if now >= absolute or now >= idle:
        return None
    # Recording every use would turn each API read into a write; once a minute is enough for "last seen".
    if token.last_used is None or now - token.last_used > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def change_password(user: User, new_password: str) -> None:
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _event(user.pk, AuditEvent.Action.UPDATE, "Person", user.pk)


def change_email(user: User, new_email: str) -> None:
    new_email = new_email.strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        # Say nothing about the other account; the address simply cannot be used.
        raise ValidationError({"email": "This address cannot be used. Please choose another."})
    with transaction.atomic():
        user.email = new_email
        user.save(update_fields=["email"])
        _event(user.pk, AuditEvent.Action.UPDATE, "Person", user.pk)


def set_discreet_name(user: User, name: str) -> None:
    with transaction.atomic():
        user.discreet_name = name.strip()
        user.save(update_fields=["discreet_name"])
        _event(user.pk, AuditEvent.Action.UPDATE, "Person", user.pk)


def sender_for(user: User | None) -> str:
    """The From: header for mail to this person: their discreet name if they chose one."""
    address = (
        settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
        if "<" in settings.DEFAULT_FROM_EMAIL
        else settings.DEFAULT_FROM_EMAIL
    )
    name = (user.discreet_name if user is not None else "") or "Attune"
    name = name.replace('"', "").replace("\n", " ").replace("\r", " ")
    return f'"{name}" <{address}>'


# --- One-time sign-in links (the per-account limit, accounts.throttle) -----------------------------------------

PENDING_LINK = "attune_sign_in_link"


def request_sign_in_link(session: SessionBase, user: User) -> None:
    """The password was right but the account is under the per-account limit: email a one-time link that
    finishes the sign-in in this browser only. Only the link's hash and deadline are kept, in this session; the
    outbox sends the link to the account's own address."""
    raw = secrets.token_urlsafe(32)
    until = timezone.now() + timedelta(seconds=settings.ATTUNE_LOGIN_THROTTLE["link_seconds"])
    session[PENDING_LINK] = {"user": user.pk, "hash": hash_token(raw), "until": until.timestamp()}
    with transaction.atomic():
        _event(user.pk, AuditEvent.Action.CREATE, "SignInLink", user.pk)
        events.publish(
            events.SignInLinkRequested(
                user_id=user.pk,
                target=reverse("accounts:sign_in_link", args=[raw]),
                dedupe_key=f"sign-in:{hash_token(raw)[:40]}",
            )
        )


def hold_no_sign_in_link(session: SessionBase) -> None:
    """A wrong password under the per-account limit: the session is written exactly as for a right one (a
    pending link that no email carries), so the answer's cookies do not tell a guesser which it was."""
    until = timezone.now() + timedelta(seconds=settings.ATTUNE_LOGIN_THROTTLE["link_seconds"])
    session[PENDING_LINK] = {"user": None, "hash": hash_token(secrets.token_urlsafe(32)), "until": until.timestamp()}


def redeem_sign_in_link(session: SessionBase, raw: str) -> User | None:
    """The person this browser's pending link was sent to, if `raw` is that link and it is still fresh.
    A link works once: the pending entry is forgotten whatever the outcome."""
    pending = session.pop(PENDING_LINK, None)
    if not isinstance(pending, dict) or not secrets.compare_digest(str(pending.get("hash", "")), hash_token(raw)):
        return None
    if timezone.now().timestamp() > float(pending.get("until", 0)):
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()  # id not from a request: the session


def end_every_session_and_token(user: User) -> int:
    """After a password reset: every browser session of the person ends and every API token is revoked."""
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        sessions = UserSession.objects.filter(user=user)
        keys = list(sessions.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        sessions.delete()
        tokens = ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
        _event(user.pk, AuditEvent.Action.UPDATE, "Person", user.pk)
    return len(keys) + tokens


def end_sessions_and_tokens(user_id: int) -> int:
    """End every browser session of this person and revoke every API token at once (erasure, deactivation).
    Returns how many ended."""
    from django.contrib.sessions.models import Session

    from attune.accounts.models import UserSession

    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user_id=user_id).delete()
    tokens = ApiToken.objects.filter(user_id=user_id, revoked__isnull=True).update(revoked=timezone.now())
    return len(keys) + tokens


def close_account(user: User, *, actor_id: int) -> None:
    """Close an erased client's portal account for good: signed out everywhere, no password, no name or email
    left (the address becomes an unusable placeholder, so it can be used for a new account later)."""
    with transaction.atomic():
        user.is_active = False
        user.display_name = "Former client"
        user.discreet_name = ""
        user.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
        user.set_unusable_password()
        user.save(update_fields=["is_active", "display_name", "discreet_name", "email", "password"])
        end_sessions_and_tokens(user.pk)
        _event(actor_id, AuditEvent.Action.DELETE, "Person", user.pk)


def set_membership_active(practice: PracticeAccess, user_id: int, active: bool) -> int:
    """Deactivate (or reactivate) every role a person holds in this practice. Deactivating also ends their
    sessions and tokens at once (SECURITY 5, 34). Returns how many memberships changed. Care teams are the
    record layer's: care.services.deactivate_staff reassigns them first, in the same transaction."""
    with transaction.atomic():
        rows = Membership.objects.filter(practice_id=practice.practice_id, user_id=user_id).exclude(active=active)
        changed = rows.update(active=active)
        if not active:
            end_sessions_and_tokens(user_id)
        practice.record(
            AuditEvent.Action.UPDATE, "PractitionerRole", user_id, "deactivate" if not active else "reactivate"
        )
    return changed


def set_roles(practice: PracticeAccess, user_id: int, roles: set[str], supervisor_id: int | None) -> None:
    """The roles a person holds in this practice (each an active membership) and, for a clinician, their
    supervisor. Removing a role ends it (the row stays, inactive); the person's privileges change on their next
    request, and their sessions end so that no browser keeps a role it lost."""
    unknown = roles - set(Membership.Role.values)
    if unknown or not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    if user_id == practice.actor_id and Membership.Role.ADMIN not in roles:
        raise ValidationError({"roles": "You cannot remove your own admin role. Ask another admin."})
    with transaction.atomic():
        current = {m.role: m for m in Membership.objects.filter(practice_id=practice.practice_id, user_id=user_id)}
        if not current:
            raise Http404("No such person in this practice")
        lost = {role for role, m in current.items() if m.active and role not in roles}
        for role in roles:
            member = current.get(role) or Membership(practice_id=practice.practice_id, user_id=user_id, role=role)
            member.active = True
            member.supervisor_id = supervisor_id if role == Membership.Role.CLINICIAN else None
            member.save()
        Membership.objects.filter(practice_id=practice.practice_id, user_id=user_id, role__in=lost).update(active=False)
        if lost:
            end_sessions_and_tokens(user_id)
        practice.record(AuditEvent.Action.UPDATE, "PractitionerRole", user_id, "roles")


def _refused(user_id: int | None, reason: str) -> None:
    audit.record(
        audit.Entry(
            action=AuditEvent.Action.EXECUTE,
            outcome=AuditEvent.Outcome.DENIED,
            agent_id=user_id,
            agent_role="user" if user_id is not None else "none",
            entity_type="ApiToken",
            entity_id="",
            reason=reason,
        )
    )
