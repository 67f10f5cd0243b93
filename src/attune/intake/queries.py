"""What the intake's pages and API read, with the audit of what they show.

The portal pages are reached with the client's write permission (so that a refusal is audited as one); showing the
client their own answers is recorded here as a read of the intake. The care team's summary is a read of the latest
intake under intake.view. A status (that an intake exists, and its dates) is not a read of its answers.
"""

from __future__ import annotations

from attune.core.policy import Access, ClientRecord, Located
from attune.intake import perms
from attune.intake.models import Intake
from attune.intake.services import ENTITY


def shown_to_client(located: Located[Intake]) -> Intake:
    """The client's own intake, as a portal page or the client's API shows it (audited as a read)."""
    located.access.shown(ENTITY, [located.row.pk], perms.ANSWER)
    return located.row


def latest_status(access: Access) -> Intake | None:
    """The client's most recent intake, for its status alone."""
    return Intake.objects.filter(client_id=access.client_id).select_related("sent_by").first()


def latest_for_care_team(access: Access) -> Intake | None:
    """The client's most recent intake, for the care team's summary (audited as a read when there is one)."""
    access.require(perms.VIEW)
    intake = latest_status(access)
    if intake is not None:
        access.shown(ENTITY, [intake.pk], perms.VIEW)
    return intake


def statuses(access: Access) -> list[Intake]:
    """Every intake of the client, newest first, for their status and dates."""
    return list(Intake.objects.filter(client_id=access.client_id))


def waiting_for(client: ClientRecord) -> Intake | None:
    """The intake waiting for the client on their portal home, if there is one."""
    waiting = Intake.objects.filter(client_id=client.pk).exclude(status=Intake.Status.SUBMITTED)
    return waiting.select_related("sent_by").first()
