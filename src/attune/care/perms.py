"""Permissions on the client record itself: its outline, its clinical text, the care team and episodes."""

from attune.core.models import SharingGrant
from attune.core.policy import Relation as R
from attune.core.policy import declare

# The record's outline (name, pronouns, team, episodes): everyone with a relationship but a partner.
OUTLINE = frozenset({R.SELF, R.CARE_TEAM, R.SUPERVISOR, R.ADMIN})

VIEW = declare("client.view", OUTLINE, doc="preferred name, pronouns, status")
VIEW_CLINICAL = declare(
    "client.view_clinical",
    {R.SELF, R.CARE_TEAM},
    partner_category=SharingGrant.Category.REFERRAL,
    doc="encrypted clinical text such as the referral reason; a partner while the client shares it",
    category="referral",
)
UPDATE = declare("client.update", {R.SELF, R.CARE_TEAM}, write=True)
VIEW_TEAM = declare("careteam.view", OUTLINE)
MANAGE_TEAM = declare("careteam.manage", {R.ADMIN}, write=True)
VIEW_EPISODES = declare("episode.view", OUTLINE)
MANAGE_EPISODES = declare("episode.manage", {R.CARE_TEAM}, write=True)
INVITE_CLIENT = declare("client.invite", {R.ADMIN}, write=True, doc="invite the client or a partner to the portal")
VIEW_CONTACT = declare(
    "contact.view",
    {R.SELF, R.CARE_TEAM},
    doc="the client's safe ways of contact (channels, phone, times to avoid): the client and their care team",
)
MANAGE_CONTACT = declare(
    "contact.manage", {R.SELF}, write=True, doc="only the client says which ways of reaching them are safe"
)
