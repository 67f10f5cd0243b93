"""The kernel's tables: client data keys, the audit trail, sharing grants (consent) and the tick's claims."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    """One client's data key, wrapped by the key-encryption key. Destroying it erases the client's free text.

    client_id is deliberately not a foreign key: the key must exist before the first encrypted row of a new
    client is written, and its tombstone must outlive the client row after erasure.
    """

    client_id = models.UUIDField(unique=True)
    wrapped = models.BinaryField(null=True)
    kek_id = models.CharField(max_length=16)
    created = models.DateTimeField(default=timezone.now)
    destroyed = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key for {self.client_id}"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events cannot be deleted")


class AuditImmutableError(Exception):
    pass


class AuditEvent(models.Model):
    """One access to client data, shaped like a FHIR AuditEvent. Ids and codes only, never clinical text."""

    class Action(models.TextChoices):
        CREATE = "C", "create"
        READ = "R", "read"
        UPDATE = "U", "update"
        DELETE = "D", "delete"
        EXECUTE = "E", "execute"

    class Outcome(models.IntegerChoices):
        SUCCESS = 0, "success"
        DENIED = 4, "minor failure (denied)"
        SERIOUS = 8, "serious failure"

    recorded = models.DateTimeField()
    action = models.CharField(max_length=1, choices=Action.choices)
    outcome = models.PositiveSmallIntegerField(choices=Outcome.choices)
    agent_id = models.BigIntegerField(null=True)
    agent_role = models.CharField(max_length=32)
    agent_network = models.CharField(max_length=64, blank=True)
    entity_type = models.CharField(max_length=64)
    entity_id = models.CharField(max_length=64, blank=True)
    client_id = models.UUIDField(null=True, db_index=True)
    purpose = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    chain = models.CharField(max_length=64)
    # Which chain the event belongs to (one of ATTUNE_AUDIT_SHARDS, keyed by practice) and its position in that
    # chain, from 1. Events written before chains were sharded are in chain 1 with no position: their id is it.
    shard = models.PositiveIntegerField()
    seq = models.BigIntegerField(null=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["client_id", "id"], name="audit_client_idx")]
        constraints = [models.UniqueConstraint(fields=["shard", "seq"], name="audit_one_event_per_position")]

    def __str__(self) -> str:
        return f"audit #{self.pk} {self.action} {self.entity_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutableError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events cannot be deleted")


class AuditHead(models.Model):
    """The newest position and chain value of one audit chain (its id is the chain's number). A writer locks
    only its own chain's head, so the chains of different practices are appended side by side."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # The position of the chain's newest event (events written before sharding: their id).
    last_id = models.BigIntegerField(default=0)
    last_chain = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit head at #{self.last_id}"


class SharingGrant(models.Model):
    """Consent to share a category of a client's data, shaped like a FHIR Consent.

    The grantor is always the client; a grant names one grantee user or a grantee role ("partner",
    "care_team"). Revoking sets `revoked` and takes effect on the next request, because the policy evaluates
    grants on every request and never caches them.
    """

    class Category(models.TextChoices):
        REFERRAL = "referral", "What brings you here"

    class Purpose(models.TextChoices):
        TREATMENT = "TREAT", "treatment"
        COUPLES = "COUPLES", "couples work"
        RESEARCH = "HRESCH", "research"

    class Decision(models.TextChoices):
        PERMIT = "permit", "permit"
        DENY = "deny", "deny"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="grants")
    grantee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grantee_role = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=32, choices=Category.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.TREATMENT)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PERMIT)
    start = models.DateTimeField(default=timezone.now)
    end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(grantee_user__isnull=True) & models.Q(grantee_role="")),
                name="grant_names_a_grantee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.category}"

    def in_force(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked is None and self.start <= at and (self.end is None or at < self.end)


class TickRun(models.Model):
    """One slot of the periodic tick (a minute by default), claimed by the first worker that reaches it.

    The unique slot is the whole coordination: several workers on several hosts try to insert the same slot and
    exactly one succeeds, so each slot's tick runs once without a lock server.
    """

    slot = models.DateTimeField(unique=True)
    started = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"tick {self.slot:%Y-%m-%d %H:%M:%S}"
