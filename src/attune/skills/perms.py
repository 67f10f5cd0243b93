"""Permissions of the client's journal: diary entries, practice records, phrases, scripts, recommendations.

The journal's read and write permissions are declared here, in the lowest app whose rows they cover (practice
records and phrases), and the diary uses the same ones for its entries and maps. Rows the client keeps private
are filtered out for everyone but the client by each model's `for_access()`; these rules decide who gets that far.
A partner, a supervisor and an admin hold none of them.
"""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW_DIARY = declare(
    "diary.view",
    {R.SELF, R.CARE_TEAM},
    doc="diary entries, practice records, scripts on the map, recommendations, insights (the care team: shared only)",
    category="diary",
)
WRITE_DIARY = declare("diary.write", {R.SELF}, write=True, doc="the client's own entries, records and phrases")
RECOMMEND_SKILLS = declare("skills.recommend", {R.CARE_TEAM}, write=True)
