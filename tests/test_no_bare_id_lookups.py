"""SECURITY.md 2: one place decides who sees what. No code fetches client data by a bare id from the request.

A lookup by primary key is allowed only when its id comes from an object already fetched through the policy (an
attribute such as `access.client.pk` or `located.response.pk`), is a literal, or when the same call limits the
rows to the caller's scope (`client=access.client`, `client_id=access.client_id`,
`client__in=policy.visible_to(user)`, ...). Querysets that are
already scoped (no `.objects` in the expression) are fine. The policy module itself and the demo seeding are
exempt: the policy is the place that decides, and seeding runs before any user exists. The check reads one line
at a time, so a lookup split over several lines is not seen: keep id lookups on one line.
"""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "attune"
LOOKUP = re.compile(r"\.objects\b[^\n]*?\.(?:get|filter|exclude)\((?P<args>[^\n]*)")
ID_ARG = re.compile(r"\b(?:pk|id)\s*=\s*(?P<value>[^,)\s]+)")
SCOPED = re.compile(
    r"\b(client|client__in|practice|practice__in|user|grantee_user|response|intake)\s*="
    r"|\bclient_id\s*=\s*[\w.]+\.client_id\b"
)
# The outbox's delivery side looks rows up by ids that come from its own jobs and from other services' calls
# (`enqueue(recipient_id=...)`), never from a request; its one page lookup is scoped to the signed-in recipient.
# The privacy centre's export job likewise gets its request id from its own job queue, then reaches the client
# through the policy as the person who asked.
# The review-PDF job likewise claims its export by the id its own queue gave it; the export was made, with its
# HTML, by a request that reached the review through the policy.
# A line may say why its id never comes from a request (a shard number, the server-side session, a tombstone
# file) with a trailing comment that starts with MARKED; the reason is read in review like any other comment.
MARKED = "# id not from a request:"
# The audit trail's chain heads are looked up by shard number, never by anything a request names.
EXEMPT = {
    "core/policy.py",
    "core/audit.py",
    "notify/delivery.py",
    "notify/services.py",
    "privacy/jobs.py",
    "clinical/exports.py",
}


def _violations() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative.endswith("demo.py") or relative in EXEMPT:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = LOOKUP.search(line)
            if not match or MARKED in line:
                continue
            for arg in ID_ARG.finditer(match.group("args")):
                value = arg.group("value")
                derived = "." in value or value.isdigit()
                if not derived and not SCOPED.search(match.group("args")):
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_lookup_by_a_bare_id_outside_the_policy() -> None:
    assert not _violations(), "fetch these through the policy or scope them to the caller:\n" + "\n".join(_violations())


def test_the_rule_catches_a_bare_lookup(tmp_path: Path) -> None:
    line = "    client = Client.objects.get(pk=client_id)"
    match = LOOKUP.search(line)
    assert match is not None
    value = ID_ARG.search(match.group("args")).group("value")  # type: ignore[union-attr]
    assert value == "client_id" and "." not in value and not SCOPED.search(match.group("args"))
