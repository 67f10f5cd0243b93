"""Permissions of notifications. A notification is about its recipient alone, so no relationship holds these:
they name what was refused when someone reaches for another person's message or for the demo's mail."""

from attune.core.policy import declare

OPEN_MESSAGE = declare("notify.open", set(), doc="follow the link of a message (only its recipient may)")
DEMO_MAIL = declare("notify.demo_mail", set(), doc="the demo's mail folder (practice staff, development only)")
