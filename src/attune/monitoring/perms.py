"""Permissions of monitoring: schedules, what a client may see of their results, and alerts."""

from attune.core.policy import Relation as R
from attune.core.policy import declare

# A client sees their own results only for the instruments their clinician chose to show them
# (monitoring.MeasureVisibility); this permission lets them get that far.
VIEW_OWN_RESULTS = declare("measures.view_own_results", {R.SELF})
CONFIGURE = declare(
    "monitoring.configure", {R.CARE_TEAM}, write=True, doc="schedules, session dates, what the client may see"
)
ALERTS_VIEW = declare("alerts.view", {R.CARE_TEAM, R.SUPERVISOR}, doc="a supervisor never sees notes")
# The client's own view of alerts, in plain words in their progress review: that their care team checked in,
# when, and that it was followed up; never the instrument, the item or the care team's notes.
ALERTS_OWN = declare("alerts.own", {R.SELF}, doc="that the care team checked in, in plain words, without notes")
ALERTS_ACT = declare("alerts.act", {R.CARE_TEAM}, write=True, doc="acknowledge with a note, resolve")
# The scores file leaves the app (it gets mailed, synced, printed): only the treating team downloads it, after
# confirming who they are. A supervisor reads the same scores on the pages, which is what oversight needs.
EXPORT = declare("measures.export", {R.CARE_TEAM}, doc="download the scores file (after re-authentication)")
