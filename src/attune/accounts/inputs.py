"""The choices and limits of invitations, declared once for the forms, the services and the record layer that
links an accepted portal invitation to a client."""

from __future__ import annotations

from attune.accounts.models import Invitation

EMAIL_MAX = 254

# Invitations that give a role in a practice (accounts grants it) ...
STAFF_KINDS = frozenset(
    {Invitation.Kind.CLINICIAN, Invitation.Kind.SUPERVISOR, Invitation.Kind.ADMIN, Invitation.Kind.RESEARCHER}
)
# ... and invitations that link an account to a client record (the record layer links it, on InvitationAccepted).
PORTAL_KINDS = frozenset({Invitation.Kind.CLIENT, Invitation.Kind.PARTNER})
