"""Permissions of the client's learning and narrative work: module progress, rehearsals, thought records and
narrative pieces, and the care team's suggestions.

The client reads and writes their own; the care team reads only what the client shares (each model's
`for_access()` keeps private rows out for everyone but the client) and may suggest a module or an exercise. A
partner, a supervisor and an admin hold none of these.
"""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW_LEARN = declare(
    "learn.view",
    {R.SELF, R.CARE_TEAM},
    doc="module progress, rehearsals, thought records, narrative pieces (the care team: shared only), suggestions",
)
WRITE_LEARN = declare("learn.write", {R.SELF}, write=True, doc="the client's own reading, practice and writing")
SUGGEST_LEARN = declare("learn.suggest", {R.CARE_TEAM}, write=True, doc="suggest a module or an exercise")
