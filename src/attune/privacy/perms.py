"""Permissions of the privacy centre: the client's access log and sharing page, and break-glass."""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW_LOG = declare("privacy.access_log", {R.SELF}, doc="the client's own log of who looked at their record")
VIEW_SHARING = declare("privacy.sharing.view", {R.SELF}, doc="who can see what, and the history of changes")
MANAGE_SHARING = declare(
    "privacy.sharing.manage", {R.SELF}, write=True, doc="let a named person of the care team see a category, or not"
)
BREAK_GLASS = declare(
    "privacy.break_glass",
    {R.SUPERVISOR, R.ADMIN},
    write=True,
    doc="emergency access to clinical text: a reason, step-up, one hour, the care team told, the client shown",
)
EXPORT = declare(
    "privacy.export", {R.SELF}, write=True, doc="ask for and download a copy of everything (after re-authentication)"
)
ERASE = declare(
    "privacy.erase", {R.SELF, R.ADMIN}, write=True, doc="ask for erasure (the client, or the practice on their request)"
)
CONFIRM_ERASURE = declare(
    "privacy.erase.confirm", {R.ADMIN}, write=True, doc="confirm an erasure after cooling-off; set retention holds"
)
