"""Permissions of couples work: the couple's shared space, its agreements and check-ins, and the clinician's own
couple-level notes.

A couple is a client and their linked partner (`care.PartnerLink`), reached through the client's record: the
client holds these as SELF, the partner as PARTNER (only while the link is in force, and only their own link:
`PartnerLink.for_access`), the care team as CARE_TEAM. Supervisors and admins hold none: agreements and check-ins
are clinical text. Within what these allow, each row's QuerySet decides further: a partner's private check-in
answers and notes are their author's alone until the author shows them (`models.py`).
"""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW = declare(
    "couples.view",
    {R.SELF, R.PARTNER, R.CARE_TEAM},
    doc="the couple's space: agreements and their history, what each partner chose to show, rehearsals",
)
TAKE_PART = declare(
    "couples.take_part",
    {R.SELF, R.PARTNER},
    write=True,
    doc="a partner's own acts: consent and withdrawal, check-in answers and what they show, their notes, rhythm",
)
DRAFT = declare(
    "couples.draft", {R.SELF, R.PARTNER, R.CARE_TEAM}, write=True, doc="draft an agreement or a new version of one"
)
END_LINK = declare(
    "couples.end_link",
    {R.SELF, R.PARTNER, R.CARE_TEAM},
    write=True,
    doc="end the partner link at once (either partner, or the clinician with the client)",
)
INVITE = declare(
    "couples.invite",
    {R.SELF, R.CARE_TEAM},
    write=True,
    doc="invite a partner: the client at once; a clinician proposes, and the client's confirmation sends it",
)
CONFIRM_INVITE = declare(
    "couples.confirm_invite", {R.SELF}, write=True, doc="the client's yes or no to their clinician's proposal"
)
VIEW_NOTES = declare("couples.view_notes", {R.CARE_TEAM}, doc="the clinician's couple-level notes")
WRITE_NOTES = declare("couples.write_notes", {R.CARE_TEAM}, write=True, doc="write a couple-level note")
SEND_QUESTIONS = declare(
    "couples.send_questions",
    {R.CARE_TEAM},
    write=True,
    doc="send each partner the questions on how things are between them (answered privately; the total is seen)",
)
