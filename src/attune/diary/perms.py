"""Permissions of relationship-script maps. The journal's read and write permissions are the skills engine's
(skills/perms.py), re-exported here so that the diary's code names one module."""

from attune.core.policy import Relation as R
from attune.core.policy import declare
from attune.skills.perms import VIEW_DIARY, WRITE_DIARY

__all__ = ["APPROVE_SCRIPTS", "DRAFT_SCRIPTS", "VIEW_DIARY", "WRITE_DIARY"]

DRAFT_SCRIPTS = declare(
    "scripts.draft", {R.SELF, R.CARE_TEAM}, write=True, doc="draft a script or a new response for the client to approve"
)
APPROVE_SCRIPTS = declare("scripts.approve", {R.SELF}, write=True, doc="put a draft on the map, change or set aside")
