"""Permissions of the safety plan and the support network.

None of them names a partner or a sharing category: a partner holds none of them, whatever the client shares with
them, so every page and operation of this app answers a partner the same refusal, whether a plan exists or not.
The care team holds the read and edit permissions, but what they reach is narrowed by the client's own choice
(nothing, the suicide-safety part only, or all) in the models' `for_access`. Supervisors and admins hold none.
"""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW_PLAN = declare(
    "safetyplan.view",
    {R.SELF, R.CARE_TEAM},
    doc="the client's safety plan and support network (the care team: only the parts the client shares)",
    category="safetyplan",
)
EDIT_PLAN = declare(
    "safetyplan.edit",
    {R.SELF, R.CARE_TEAM},
    write=True,
    doc="build the plan step by step (the care team: in the parts the client shares with them)",
    category="safetyplan",
)
SHARE_PLAN = declare("safetyplan.share", {R.SELF}, write=True, doc="choose what the care team sees of the plan")
RESTORE_PLAN = declare("safetyplan.restore", {R.SELF}, write=True, doc="bring back an earlier version of the plan")
EDIT_NETWORK = declare("safetyplan.network", {R.SELF}, write=True, doc="the client's own support network")
REVIEW_PLAN = declare(
    "safetyplan.review", {R.CARE_TEAM}, write=True, doc="mark the plan as reviewed together", category="safetyplan"
)
OWN_PHOTO = declare("safetyplan.photo", {R.SELF}, write=True, doc="the photo beside the reasons for living")
