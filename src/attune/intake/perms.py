"""Permissions of the intake: answered by the client alone, read by the care team once sent. A supervisor sees
that an intake exists and its status, never the answers; admins and partners nothing."""

from attune.core.policy import Relation as R
from attune.core.policy import declare

SEND = declare("intake.send", {R.CARE_TEAM}, write=True, doc="send an intake to the client's portal")
ANSWER = declare("intake.answer", {R.SELF}, write=True, doc="answer, skip, keep for the session, send")
VIEW = declare("intake.view", {R.CARE_TEAM}, doc="the answers, the summary and the section notes", category="intake")
DISCUSS = declare("intake.discuss", {R.CARE_TEAM}, write=True, doc="mark a section discussed, write a note")
STATUS = declare("intake.status", {R.SELF, R.CARE_TEAM, R.SUPERVISOR}, doc="that an intake exists, its dates")
