"""Every write of learning and narrative work. Each takes the client (and the row) its caller reached through the
policy, checks the permission it needs on that access, writes inside one transaction and records its audit event
there. Links to the diary's scripts and entries are checked against what this caller may see through the skills
engine's journal hook; phrases and the pause practice are written by the skills engine's own services."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.core import policy, rows
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.learn import content, inputs, perms
from attune.learn.models import (
    ModuleRead,
    NarrativePiece,
    PieceKind,
    Reflection,
    Rehearsal,
    SavedPassage,
    Suggestion,
    ThoughtRecord,
    Window,
)
from attune.skills import journal
from attune.skills import services as skills
from attune.skills.models import GroundingPhrase, SkillPractice

PAUSE_SKILL = "pause-and-reflect"


def _module(slug: str) -> content.Module:
    found = content.module(slug)
    if found is None:
        raise ValidationError({"module": "Choose a module from the library."})
    return found


def _distress(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError({name: "Choose a number from 0 to 100."})


def _limit(name: str, text: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({name: f"Please keep this under {limit} characters."})
    return text


# --- modules -------------------------------------------------------------------------------------------------------


def mark_read(access: Access, slug: str) -> ModuleRead:
    perm = perms.WRITE_LEARN
    access.require(perm)
    _module(slug)
    with transaction.atomic():
        read, created = ModuleRead.objects.get_or_create(client_id=access.client_id, module=slug)
        if created:
            access.record(AuditEvent.Action.CREATE, "ModuleRead", read.pk, perm)
    return read


def unmark_read(access: Access, slug: str) -> None:
    perm = perms.WRITE_LEARN
    access.require(perm)
    with transaction.atomic():
        for read in ModuleRead.objects.filter(client_id=access.client_id, module=slug):
            read_id = read.pk
            read.delete()
            access.record(AuditEvent.Action.DELETE, "ModuleRead", read_id, perm)


def save_passage(access: Access, slug: str, block: int) -> SavedPassage:
    """Keep one passage (a paragraph, list or quote of the module, by its position) in the client's saved passages."""
    perm = perms.WRITE_LEARN
    access.require(perm)
    module = _module(slug)
    if not 0 <= block < len(module.blocks) or module.blocks[block].kind in {"h2", "h3"}:
        raise ValidationError({"block": "Choose a passage of this module."})
    text = content.block_text((module.blocks[block],))[: inputs.PASSAGE_LIMIT]
    with transaction.atomic():
        existing = SavedPassage.objects.filter(client_id=access.client_id, module=slug)
        if any(p.text == text for p in existing):
            raise ValidationError({"block": "You have already saved this passage."})
        return rows.add(access, SavedPassage, perm, module=slug, text=text)


def delete_passage(access: Access, passage: SavedPassage) -> None:
    perm = perms.WRITE_LEARN
    access.require(perm, "SavedPassage", str(passage.pk))
    rows.remove(access, passage, perm)


def add_reflection(access: Access, slug: str, text: str, shared: bool = False) -> Reflection:
    perm = perms.WRITE_LEARN
    access.require(perm)
    _module(slug)
    text = _limit("text", text, inputs.REFLECTION_LIMIT)
    if not text:
        raise ValidationError({"text": "Write a few words, or leave this for another time."})
    return rows.add(access, Reflection, perm, module=slug, text=text, shared=bool(shared))


def set_shared(access: Access, row: Reflection | Rehearsal | ThoughtRecord | NarrativePiece, shared: bool) -> None:
    """Share one piece with the care team, or stop sharing it."""
    perm = perms.WRITE_LEARN
    entity = type(row).__name__
    access.require(perm, entity, str(row.pk))
    with transaction.atomic():
        type(row).objects.filter(pk=row.pk, client_id=access.client_id).update(shared=bool(shared))
        row.shared = bool(shared)
        access.record(AuditEvent.Action.UPDATE, entity, row.pk, perm)


def delete_row(access: Access, row: Reflection | Rehearsal | ThoughtRecord | NarrativePiece) -> None:
    perm = perms.WRITE_LEARN
    entity = type(row).__name__
    access.require(perm, entity, str(row.pk))
    rows.remove(access, row, perm)


# --- rehearsals ----------------------------------------------------------------------------------------------------


def _rehearsal(slug: str) -> content.Rehearsal:
    found = content.rehearsal(slug)
    if found is None:
        raise ValidationError({"rehearsal": "Choose a rehearsal from the list."})
    return found


def start_rehearsal(access: Access, slug: str, distress_before: int | None = None) -> Rehearsal:
    perm = perms.WRITE_LEARN
    access.require(perm)
    script = _rehearsal(slug)
    _distress("distress_before", distress_before)
    with transaction.atomic():
        run = Rehearsal(
            client_id=access.client_id,
            rehearsal=slug,
            at=script.start,
            distress_before=distress_before,
            shared=False,
        )
        run.save()
        access.record(AuditEvent.Action.CREATE, "Rehearsal", run.pk, perm)
    return run


@dataclass(frozen=True)
class Tried:
    """A reply the client tried at one line, with the gentle reflection on it."""

    node: str
    reply: str
    protects: str
    asks: str
    own: bool = False
    spoken: str = ""  # the words alone, for the phrase builder ("" for an action such as carrying on)


OWN_PROTECTS = "Your own voice. Words you chose yourself are often the ones that stay with you."
OWN_ASKS = "Whatever you asked for, in your words. Notice how it felt to say it: steady, shaky, or somewhere between."


def tried(run: Rehearsal) -> list[Tried]:
    """The replies tried so far, in order, with their reflections (the client's own words included)."""
    script = content.rehearsal(run.rehearsal)
    own = iter(run.own_list())
    out = []
    for step in run.steps:
        node, index = str(step.get("node", "")), int(step.get("choice", -1))
        if index < 0:
            words = next(own, "")
            out.append(Tried(node, words, OWN_PROTECTS, OWN_ASKS, own=True, spoken=words))
            continue
        choices = script.choices_at(node) if script else []
        if 0 <= index < len(choices):
            c = choices[index]
            out.append(Tried(node, c.reply, c.protects, c.asks, spoken=c.spoken))
    return out


def choose(access: Access, run: Rehearsal, choice: int | None, own_words: str = "") -> Tried:
    """Try a reply at the line shown now: one of the given replies (by its position) or the client's own words."""
    perm = perms.WRITE_LEARN
    access.require(perm, "Rehearsal", str(run.pk))
    script = _rehearsal(run.rehearsal)
    own_words = _limit("own_words", own_words, inputs.OWN_REPLY_LIMIT)
    with transaction.atomic():
        locked = policy.scoped(access, Rehearsal.objects.all()).select_for_update().get(pk=run.pk)
        if locked.finished is not None or locked.at == content.END:
            raise ValidationError({"choice": "This conversation has ended. You can start it again any time."})
        if len(locked.steps) >= inputs.MAX_STEPS:
            raise ValidationError({"choice": "That is a lot of practice for one go. You can save it and start again."})
        choices = script.choices_at(locked.at)
        if choice is None:
            if not own_words:
                raise ValidationError({"own_words": "Choose a reply, or write your own."})
            words = [*locked.own_list(), own_words]
            locked.own_words = json.dumps(words)
            locked.steps = [*locked.steps, {"node": locked.at, "choice": -1}]
            result = Tried(locked.at, own_words, OWN_PROTECTS, OWN_ASKS, own=True, spoken=own_words)
        else:
            if not 0 <= choice < len(choices):
                raise ValidationError({"choice": "Choose one of the replies shown."})
            c = choices[choice]
            locked.steps = [*locked.steps, {"node": locked.at, "choice": choice}]
            result = Tried(locked.at, c.reply, c.protects, c.asks, spoken=c.spoken)
        locked.save(update_fields=["steps", "own_words"])
        access.record(AuditEvent.Action.UPDATE, "Rehearsal", locked.pk, perm)
    run.steps, run.own_words = locked.steps, locked.own_words
    return result


def go_on(access: Access, run: Rehearsal) -> str:
    """Move on from the line shown now, following the last reply tried there; returns where the talk is now."""
    perm = perms.WRITE_LEARN
    access.require(perm, "Rehearsal", str(run.pk))
    script = _rehearsal(run.rehearsal)
    with transaction.atomic():
        locked = policy.scoped(access, Rehearsal.objects.all()).select_for_update().get(pk=run.pk)
        here = [s for s in locked.steps if s.get("node") == locked.at]
        if not here or locked.at == content.END:
            raise ValidationError({"choice": "Try a reply first; then you can go on."})
        last = int(here[-1].get("choice", -1))
        node = script.node(locked.at)
        choices = script.choices_at(locked.at)
        following = choices[last].next if 0 <= last < len(choices) else (node.after if node else content.END)
        locked.at = following
        locked.save(update_fields=["at"])
        access.record(AuditEvent.Action.UPDATE, "Rehearsal", locked.pk, perm)
    run.at = locked.at
    return run.at


def finish_rehearsal(
    access: Access, run: Rehearsal, *, distress_after: int | None = None, note: str = "", shared: bool = False
) -> Rehearsal:
    perm = perms.WRITE_LEARN
    access.require(perm, "Rehearsal", str(run.pk))
    _distress("distress_after", distress_after)
    note = _limit("note", note, inputs.NOTE_LIMIT)
    with transaction.atomic():
        locked = policy.scoped(access, Rehearsal.objects.all()).select_for_update().get(pk=run.pk)
        if not locked.steps:
            raise ValidationError({"choice": "Try at least one reply before saving."})
        locked.distress_after = distress_after
        locked.note = note
        locked.shared = bool(shared)
        locked.finished = locked.finished or timezone.now()
        locked.save()
        access.record(AuditEvent.Action.UPDATE, "Rehearsal", locked.pk, perm)
    return locked


@dataclass
class RunInput:
    """A whole rehearsal at once (the API): the replies tried, in order, each a position or the client's words."""

    rehearsal: str
    replies: list[tuple[str, int | None, str]] = field(default_factory=list)  # (node, choice or None, own words)
    distress_before: int | None = None
    distress_after: int | None = None
    note: str = ""
    shared: bool = False


def record_rehearsal(access: Access, data: RunInput) -> Rehearsal:
    """Record a rehearsal practised elsewhere (an app): each reply must belong to the line reached at that point."""
    perm = perms.WRITE_LEARN
    access.require(perm)
    script = _rehearsal(data.rehearsal)
    _distress("distress_before", data.distress_before)
    _distress("distress_after", data.distress_after)
    if not data.replies or len(data.replies) > inputs.MAX_STEPS:
        raise ValidationError({"replies": f"Send 1-{inputs.MAX_STEPS} replies."})
    at = script.start
    steps: list[dict[str, object]] = []
    own: list[str] = []
    for position, (node, choice, words) in enumerate(data.replies):
        if node != at:
            # A reply at the next line means the client went on with the last reply tried here.
            last = steps[-1] if steps else None
            if last is None or last["node"] != at:
                raise ValidationError({"replies": f"Reply {position + 1} is not at the line reached."})
            choices = script.choices_at(at)
            here = script.node(at)
            index = int(str(last["choice"]))
            at = choices[index].next if index >= 0 else (here.after if here else content.END)
            if node != at:
                raise ValidationError({"replies": f"Reply {position + 1} is not at the line reached."})
        if choice is None:
            text = _limit("replies", words, inputs.OWN_REPLY_LIMIT)
            if not text:
                raise ValidationError({"replies": f"Reply {position + 1} has no words."})
            own.append(text)
            steps.append({"node": node, "choice": -1})
        else:
            if not 0 <= choice < len(script.choices_at(node)):
                raise ValidationError({"replies": f"Reply {position + 1} is not one of the replies at that line."})
            steps.append({"node": node, "choice": choice})
    # The last reply that ends the conversation ends the run; otherwise the client stopped at that line.
    last_index = int(str(steps[-1]["choice"]))
    last_node = script.node(at)
    if last_index >= 0:
        if script.choices_at(at)[last_index].next == content.END:
            at = content.END
    elif last_node is not None and last_node.after == content.END:
        at = content.END
    with transaction.atomic():
        run = Rehearsal(
            client_id=access.client_id,
            rehearsal=data.rehearsal,
            at=at,
            steps=steps,
            own_words=json.dumps(own),
            distress_before=data.distress_before,
            distress_after=data.distress_after,
            note=_limit("note", data.note, inputs.NOTE_LIMIT),
            shared=bool(data.shared),
            finished=timezone.now(),
        )
        run.save()
        access.record(AuditEvent.Action.CREATE, "Rehearsal", run.pk, perm)
    return run


# --- the skills engine: phrases and the one-tap pause ------------------------------------------------------------


def save_phrase(access: Access, text: str) -> GroundingPhrase:
    """A phrase from the builder, saved to the client's own phrases (the skills engine's store)."""
    access.require(perms.WRITE_LEARN)
    return skills.add_phrase(access, text)


def record_pause(access: Access, key: uuid.UUID) -> tuple[SkillPractice, bool]:
    """One tap: the guided pause was done. Logged as a practice of the pause-and-reflect skill, like any skill."""
    access.require(perms.WRITE_LEARN)
    return skills.record_practice(access, PAUSE_SKILL, key, skills.PracticeInput())


# --- thought records and narrative pieces ------------------------------------------------------------------------


def _window(value: str) -> str:
    if value and value not in Window.values:
        raise ValidationError({"window": "Choose one of the answers."})
    return value


def _script_link(access: Access, script_id: uuid.UUID | None) -> uuid.UUID | None:
    if script_id is None:
        return None
    if script_id not in {r.id for r in journal.scripts(access)}:
        raise ValidationError({"script_id": "Choose one of your scripts."})
    return script_id


def _entry_link(access: Access, entry_id: uuid.UUID | None) -> uuid.UUID | None:
    if entry_id is None:
        return None
    if not journal.entries(access, 1, [entry_id]):
        raise ValidationError({"diary_entry_id": "Choose one of your diary entries."})
    return entry_id


def _suggestion(access: Access, suggestion_id: uuid.UUID | None) -> uuid.UUID | None:
    if suggestion_id is None:
        return None
    if not Suggestion.objects.filter(pk=suggestion_id, client_id=access.client_id).exists():
        raise ValidationError({"suggested": "That suggestion is not yours."})
    return suggestion_id


@dataclass
class ThoughtInput:
    situation: str = ""
    feelings: list[tuple[str, int | None, int | None]] = field(default_factory=list)  # name, before, after
    thought: str = ""
    supports: str = ""
    against: str = ""
    balanced: str = ""
    window: str = ""
    diary_entry_id: uuid.UUID | None = None
    script_id: uuid.UUID | None = None
    suggested_id: uuid.UUID | None = None
    shared: bool = False


TEXTS = ("situation", "thought", "supports", "against", "balanced")


def _thought_values(access: Access, data: ThoughtInput) -> dict[str, object]:
    values: dict[str, object] = {name: _limit(name, getattr(data, name), inputs.TEXT_LIMIT) for name in TEXTS}
    if not values["situation"] and not values["thought"]:
        raise ValidationError({"thought": "Write the situation or the thought, so there is something to look at."})
    if len(data.feelings) > inputs.FEELINGS_MAX:
        raise ValidationError({"feelings": f"Up to {inputs.FEELINGS_MAX} feelings."})
    names, before, after = [], [], []
    for name, b, a in data.feelings:
        name = _limit("feelings", name, inputs.FEELING_NAME_LIMIT)
        if not name:
            continue
        _distress("feelings", b)
        _distress("feelings", a)
        if b is None:
            raise ValidationError({"feelings": f"How strong was “{name}”, from 0 to 100?"})
        names.append(name)
        before.append(b)
        after.append(a)
    values.update(
        feelings=json.dumps(names),
        before=before,
        after=after,
        window=_window(data.window),
        diary_entry_id=_entry_link(access, data.diary_entry_id),
        script_id=_script_link(access, data.script_id),
        suggested_id=_suggestion(access, data.suggested_id),
        shared=bool(data.shared),
    )
    return values


def create_thought_record(access: Access, data: ThoughtInput) -> ThoughtRecord:
    perm = perms.WRITE_LEARN
    access.require(perm)
    return rows.add(access, ThoughtRecord, perm, **_thought_values(access, data))


def update_thought_record(access: Access, record: ThoughtRecord, data: ThoughtInput) -> ThoughtRecord:
    perm = perms.WRITE_LEARN
    access.require(perm, "ThoughtRecord", str(record.pk))
    return rows.change(access, record, perm, _thought_values(access, data))


@dataclass
class PieceInput:
    kind: str = PieceKind.LETTER
    title: str = ""
    body: str = ""
    window: str = ""
    script_id: uuid.UUID | None = None
    suggested_id: uuid.UUID | None = None
    distress_before: int | None = None
    distress_after: int | None = None
    shared: bool = False


def _piece_values(access: Access, data: PieceInput) -> dict[str, object]:
    if data.kind not in PieceKind.values:
        raise ValidationError({"kind": "Choose one of the exercises."})
    body = _limit("body", data.body, inputs.PIECE_LIMIT)
    if not body:
        raise ValidationError({"body": "Write a few words first. Nothing is saved until you do."})
    _distress("distress_before", data.distress_before)
    _distress("distress_after", data.distress_after)
    return {
        "kind": data.kind,
        "title": _limit("title", data.title, inputs.TITLE_LIMIT),
        "body": body,
        "window": _window(data.window),
        "script_id": _script_link(access, data.script_id),
        "suggested_id": _suggestion(access, data.suggested_id),
        "distress_before": data.distress_before,
        "distress_after": data.distress_after,
        "shared": bool(data.shared),
    }


def create_piece(access: Access, data: PieceInput) -> NarrativePiece:
    perm = perms.WRITE_LEARN
    access.require(perm)
    return rows.add(access, NarrativePiece, perm, **_piece_values(access, data))


def update_piece(access: Access, piece: NarrativePiece, data: PieceInput) -> NarrativePiece:
    perm = perms.WRITE_LEARN
    access.require(perm, "NarrativePiece", str(piece.pk))
    return rows.change(access, piece, perm, _piece_values(access, data))


# --- the care team's suggestions ---------------------------------------------------------------------------------


def _target_exists(kind: str, target: str) -> bool:
    if kind == Suggestion.Kind.MODULE:
        return content.module(target) is not None
    if kind == Suggestion.Kind.REHEARSAL:
        return content.rehearsal(target) is not None
    if kind == Suggestion.Kind.EXERCISE:
        return target in content.EXERCISES
    return False


def suggest(access: Access, kind: str, target: str) -> Suggestion:
    """A clinician suggests a module (assigns it), a rehearsal or an exercise. Suggesting it again keeps one."""
    perm = perms.SUGGEST_LEARN
    access.require(perm)
    if not _target_exists(kind, target):
        raise ValidationError({"target": "Choose something from the list."})
    with transaction.atomic():
        existing = Suggestion.objects.filter(
            client_id=access.client_id, kind=kind, target=target, withdrawn__isnull=True
        ).first()
        if existing is not None:
            return existing
        suggestion = Suggestion.objects.create(
            client_id=access.client_id, kind=kind, target=target, suggested_by_id=access.actor_id
        )
        access.record(AuditEvent.Action.CREATE, "Suggestion", suggestion.pk, perm)
    return suggestion


def withdraw_suggestion(access: Access, suggestion: Suggestion) -> None:
    perm = perms.SUGGEST_LEARN
    access.require(perm, "Suggestion", str(suggestion.pk))
    with transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk, withdrawn__isnull=True).update(withdrawn=timezone.now())
        access.record(AuditEvent.Action.UPDATE, "Suggestion", suggestion.pk, perm)
