"""The client's learning and narrative work: module reading, saved passages and reflections, consent rehearsals,
thought records, narrative pieces, and the care team's suggestions.

Content (modules, rehearsals) is data (learn/content/, read by learn/content.py): rows refer to it by slug. Free text
is sealed with the client's data key (EncryptedTextField), so every model here has a UUID primary key and a
`client` foreign key. Writing is private by default: a row with a `shared` flag is invisible to everyone but the
client while it is False (SharedQuerySet); reading marks and saved passages are the client's alone
(OwnerOnlyQuerySet).

A thought record may link to a diary entry and a relationship script, and an externalising piece to a script. Those
live in the diary, a sibling capability this app may not import or reference by foreign key, so the links are ids,
checked when written against the client's own rows through the skills engine's journal hook (skills/journal.py).
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField
from attune.core.rows import OwnerOnlyQuerySet, SharedQuerySet


class Window(models.TextChoices):
    INSIDE = "inside", "Steady enough"
    ABOVE = "above", "Keyed up"
    BELOW = "below", "Far away"


class ModuleRead(models.Model):
    """The client marked a module read. Only the client sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="module_reads")
    module = models.CharField(max_length=60)
    read_at = models.DateTimeField(default=timezone.now)

    objects = OwnerOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-read_at"]
        constraints = [models.UniqueConstraint(fields=["client", "module"], name="one_read_per_module")]

    def __str__(self) -> str:
        return "module read"


class SavedPassage(models.Model):
    """A passage of a module the client kept, copied so that it survives edits to the module."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="saved_passages")
    module = models.CharField(max_length=60)
    text = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)

    objects = OwnerOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return "saved passage"


class Reflection(models.Model):
    """What the client made of a module, kept private unless they share it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="module_reflections")
    module = models.CharField(max_length=60)
    text = EncryptedTextField()
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return "module reflection"


class Rehearsal(models.Model):
    """One run of a consent rehearsal: the replies tried at each line (codes), the client's own words (sealed),
    and where the conversation is now. `finished` is set when the client reaches the end and saves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="rehearsals")
    rehearsal = models.CharField(max_length=60)
    at = models.CharField(max_length=60)  # the node shown now, or "end"
    # [{"node": id, "choice": index among the node's replies, or -1 for the client's own words (in own_words)}]
    steps = models.JSONField(default=list, blank=True)
    own_words = EncryptedTextField()  # a JSON list of the client's own replies, in order of the -1 steps
    distress_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    distress_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    note = EncryptedTextField()
    shared = models.BooleanField(default=False)
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["client", "shared", "started"], name="rehearsal_client_shared_idx")]

    def __str__(self) -> str:
        return "consent rehearsal"

    def own_list(self) -> list[str]:
        try:
            value = json.loads(self.own_words or "[]")
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []


class ThoughtRecord(models.Model):
    """A thought record: situation, feelings (0-100) before and after, the thought, what supports it and what does
    not, and a kinder, more balanced thought."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="thought_records")
    window = models.CharField(max_length=8, choices=Window.choices, blank=True)
    situation = EncryptedTextField()
    feelings = EncryptedTextField()  # a JSON list of the feelings' names, in the client's words
    before = models.JSONField(default=list, blank=True)  # 0-100 for each feeling
    after = models.JSONField(default=list, blank=True)  # 0-100 or null for each feeling
    thought = EncryptedTextField()
    supports = EncryptedTextField()
    against = EncryptedTextField()
    balanced = EncryptedTextField()
    diary_entry_id = models.UUIDField(null=True, blank=True)
    script_id = models.UUIDField(null=True, blank=True)
    suggested = models.ForeignKey("Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["client", "shared", "created"], name="thought_client_shared_idx")]

    def __str__(self) -> str:
        return "thought record"

    def feeling_names(self) -> list[str]:
        try:
            value = json.loads(self.feelings or "[]")
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def feeling_rows(self) -> list[tuple[str, int | None, int | None]]:
        names = self.feeling_names()
        return [
            (
                name,
                self.before[i] if i < len(self.before) else None,
                self.after[i] if i < len(self.after) else None,
            )
            for i, name in enumerate(names)
        ]

    @property
    def distress_before(self) -> int | None:
        """The first feeling's strength before: the one the client rated first."""
        return self.before[0] if self.before else None

    @property
    def distress_after(self) -> int | None:
        return self.after[0] if self.after and self.after[0] is not None else None


class PieceKind(models.TextChoices):
    EXTERNALISING = "externalising", "Naming the story"
    LETTER = "letter", "A letter never sent"
    REWRITING = "rewriting", "Rewriting the story"


class NarrativePiece(models.Model):
    """A piece of narrative writing in the client's own words, private unless the client shares this piece."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="narrative_pieces")
    kind = models.CharField(max_length=16, choices=PieceKind.choices)
    window = models.CharField(max_length=8, choices=Window.choices, blank=True)
    title = EncryptedTextField()
    body = EncryptedTextField()
    script_id = models.UUIDField(null=True, blank=True)
    suggested = models.ForeignKey("Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    distress_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    distress_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    shared = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["client", "shared", "created"], name="piece_client_shared_idx")]

    def __str__(self) -> str:
        return "narrative piece"


class Suggestion(models.Model):
    """A care-team clinician suggests a module, a rehearsal or an exercise; the client sees it first."""

    class Kind(models.TextChoices):
        MODULE = "module", "Module"
        REHEARSAL = "rehearsal", "Rehearsal"
        EXERCISE = "exercise", "Exercise"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="learn_suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target = models.CharField(max_length=60)
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    withdrawn = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "target"],
                condition=models.Q(withdrawn__isnull=True),
                name="one_live_learn_suggestion",
            )
        ]

    def __str__(self) -> str:
        return f"suggestion of {self.kind} {self.target}"
