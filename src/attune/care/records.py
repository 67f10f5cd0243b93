"""The care models behind the policy's access objects.

The kernel's `Access` and `PracticeAccess` know a client or practice only by the small protocols of
core/policy.py, because the kernel cannot import this layer. Every one of them is built from a row of this app's
models, and these helpers give code above this layer that row with its full type.
"""

from __future__ import annotations

from attune.care.models import Client, Practice
from attune.core.policy import Access, PracticeAccess


def record_of(access: Access) -> Client:
    """The client record an access was granted to."""
    client = access.client
    if not isinstance(client, Client):
        raise TypeError("an Access always carries a care.models.Client")
    return client


def practice_of(access: PracticeAccess) -> Practice:
    """The practice a practice access was granted to."""
    practice = access.practice
    if not isinstance(practice, Practice):
        raise TypeError("a PracticeAccess always carries a care.models.Practice")
    return practice
