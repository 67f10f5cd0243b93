"""Permissions of sharing: the client's own grants, and a partner's page of what is shared with them."""

from attune.core.policy import Relation as R
from attune.core.policy import declare

MANAGE_GRANTS = declare("grant.manage", {R.SELF}, write=True, doc="share or stop sharing a category")
VIEW_SHARED = declare("shared.view", {R.PARTNER}, doc="a partner's page of what the client chose to share")
