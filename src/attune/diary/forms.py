from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from attune.core.forms import RangeInput
from attune.diary import inputs
from attune.diary.inputs import TEXT_LIMITS
from attune.diary.models import (
    AutomaticResponse,
    BodyArea,
    BodyCue,
    DiaryEntry,
    NewResponse,
    RelationshipScript,
    ResponsePractice,
    TriggerKind,
)
from attune.diary.services import EntryInput, PracticeInput
from attune.skills import library

WHEN_FORMAT = "%Y-%m-%dT%H:%M"


def _when_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label="When",
        required=False,
        input_formats=[WHEN_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WHEN_FORMAT),
    )


def _distress_field(label: str, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=inputs.DISTRESS_MIN,
        max_value=inputs.DISTRESS_MAX,
        required=required,
        widget=RangeInput(
            attrs={
                "min": inputs.DISTRESS_MIN,
                "max": inputs.DISTRESS_MAX,
                "step": 5,
                "list": "suds-anchors",
                "data-suds": "",
            }
        ),
        error_messages={"required": "Move the slider to where you were, from 0 to 100."},
    )


def now_local() -> str:
    return timezone.localtime().strftime(WHEN_FORMAT)


class EntryForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_at = _when_field()
    trigger_kind = forms.ChoiceField(
        label="What kind of trigger was it?",
        choices=TriggerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind that fits best. “Something else” is fine too."},
    )
    distress_before = _distress_field("How distressed did you feel?", required=True)
    trigger_words = forms.CharField(
        label="A few words about it",
        required=False,
        max_length=TEXT_LIMITS["trigger_words"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body_cues = forms.MultipleChoiceField(
        label="What did you notice in your body?",
        required=False,
        choices=BodyCue.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    body_areas = forms.MultipleChoiceField(
        label="Where in your body?", required=False, choices=BodyArea.choices, widget=forms.CheckboxSelectMultiple
    )
    script = forms.ChoiceField(label="Did it feel like one of your scripts?", required=False)
    did = forms.ChoiceField(label="What did you do?", required=False)
    what_i_did = forms.CharField(
        label="In your own words",
        required=False,
        max_length=TEXT_LIMITS["what_i_did"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    skill = forms.ChoiceField(label="Did you use a skill?", required=False)
    rate_after = forms.BooleanField(label="Add how distressed I felt afterwards", required=False)
    distress_after = _distress_field("And afterwards?", required=False)
    note = forms.CharField(
        label="A note", required=False, max_length=TEXT_LIMITS["note"], widget=forms.Textarea(attrs={"rows": 3})
    )
    shared = forms.BooleanField(label="Share this entry with my care team", required=False)

    def __init__(
        self,
        *args: Any,
        scripts: list[RelationshipScript] = (),  # type: ignore[assignment]
        responses: list[NewResponse] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["script"].choices = [("", "None, or not sure"), *[(str(s.pk), s.name) for s in scripts]]  # type: ignore[attr-defined]
        grouped: list[Any] = [("", "Choose if you like"), ("usual", "My usual, automatic response")]
        names = {s.pk: s.name for s in scripts}
        for script in scripts:
            mine = [(f"new:{r.pk}", f"Tried: {r.description}") for r in responses if r.script_id == script.pk]
            if mine:
                grouped.append((f"New responses for {names[script.pk]}", mine))
        grouped.append(("other", "Something else"))
        self.fields["did"].choices = grouped  # type: ignore[attr-defined]
        self.fields["skill"].choices = [("", "No skill this time"), *library.choices()]  # type: ignore[attr-defined]

    def entry_input(self) -> EntryInput:
        data = self.cleaned_data
        did: str = data.get("did") or ""
        response, response_id = "", None
        if did.startswith("new:"):
            response, response_id = DiaryEntry.Response.NEW, uuid.UUID(did[4:])
        elif did:
            response = did
        return EntryInput(
            trigger_kind=data["trigger_kind"],
            distress_before=data["distress_before"],
            occurred_at=data.get("occurred_at"),
            trigger_words=data.get("trigger_words") or "",
            body_cues=list(data.get("body_cues") or []),
            body_areas=list(data.get("body_areas") or []),
            script_id=uuid.UUID(data["script"]) if data.get("script") else None,
            response=response,
            new_response_id=response_id,
            what_i_did=data.get("what_i_did") or "",
            skill=data.get("skill") or "",
            distress_after=data.get("distress_after") if data.get("rate_after") else None,
            note=data.get("note") or "",
            shared=bool(data.get("shared")),
        )

    @staticmethod
    def initial_for(entry: DiaryEntry) -> dict[str, Any]:
        did = entry.response
        if entry.new_response_id:
            did = f"new:{entry.new_response_id}"
        return {
            "version": entry.version,
            "occurred_at": timezone.localtime(entry.occurred_at),
            "trigger_kind": entry.trigger_kind,
            "distress_before": entry.distress_before,
            "trigger_words": entry.trigger_words,
            "body_cues": entry.body_cues,
            "body_areas": entry.body_areas,
            "script": str(entry.script_id) if entry.script_id else "",
            "did": did,
            "what_i_did": entry.what_i_did,
            "skill": entry.skill,
            "rate_after": entry.distress_after is not None,
            "distress_after": entry.distress_after if entry.distress_after is not None else entry.distress_before,
            "note": entry.note,
            "shared": entry.shared,
        }


class EntryFilterForm(forms.Form):
    q = forms.CharField(label="Search your words", required=False, max_length=inputs.SEARCH_LIMIT)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *TriggerKind.choices])
    script = forms.ChoiceField(label="Script", required=False)
    visibility = forms.ChoiceField(
        label="Shown to",
        required=False,
        choices=[("", "Shared and private"), ("shared", "Shared with my care team"), ("private", "Only me")],
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, scripts: list[RelationshipScript] = (), owner: bool = True, **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["script"].choices = [("", "Any script"), *[(str(s.pk), s.name) for s in scripts]]  # type: ignore[attr-defined]
        if not owner:
            del self.fields["visibility"]
            self.fields["q"].label = "Search shared entries"


class ShareDefaultForm(forms.Form):
    share_by_default = forms.BooleanField(
        label="Share new entries with my care team unless I say otherwise", required=False
    )


# Labels for the people who see the form: the client, or their clinician drafting with them.
SCRIPT_LABELS = {
    "portal": {
        "name": ("What do you call it?", "Your own name for this pattern, like “the Shield” or “autopilot”."),
        "trigger_kinds": ("What tends to set it off?", ""),
        "triggers": ("Typical triggers, in your words", ""),
        "body_cues": ("What do you notice in your body?", ""),
        "automatic_responses": ("What happens next, without choosing?", ""),
        "automatic_words": ("The automatic response, in your words", ""),
        "protects": (
            "What does it protect you from?",
            "It started for a reason. What has it been trying to do for you?",
        ),
        "costs": ("What does it cost you now?", ""),
    },
    "staff": {
        "name": ("The client's name for it", "Externalising: their words, such as “the Shield”."),
        "trigger_kinds": ("Typical triggers", ""),
        "triggers": ("Typical triggers, described", ""),
        "body_cues": ("Body cues", ""),
        "automatic_responses": ("Automatic response", ""),
        "automatic_words": ("Automatic response, described", ""),
        "protects": ("What it protects them from", ""),
        "costs": ("What it costs them", ""),
    },
}


class ScriptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=TEXT_LIMITS["name"])
    trigger_kinds = forms.MultipleChoiceField(
        required=False, choices=TriggerKind.choices, widget=forms.CheckboxSelectMultiple
    )
    triggers = forms.CharField(
        required=False, max_length=TEXT_LIMITS["triggers"], widget=forms.Textarea(attrs={"rows": 2})
    )
    body_cues = forms.MultipleChoiceField(required=False, choices=BodyCue.choices, widget=forms.CheckboxSelectMultiple)
    automatic_responses = forms.MultipleChoiceField(
        required=False, choices=AutomaticResponse.choices, widget=forms.CheckboxSelectMultiple
    )
    automatic_words = forms.CharField(
        required=False, max_length=TEXT_LIMITS["automatic_words"], widget=forms.Textarea(attrs={"rows": 2})
    )
    protects = forms.CharField(
        required=False, max_length=TEXT_LIMITS["protects"], widget=forms.Textarea(attrs={"rows": 2})
    )
    costs = forms.CharField(required=False, max_length=TEXT_LIMITS["costs"], widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, audience: str = "portal", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in SCRIPT_LABELS[audience].items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_for(script: RelationshipScript) -> dict[str, Any]:
        return {
            "version": script.version,
            "name": script.name,
            "trigger_kinds": script.trigger_kinds,
            "triggers": script.triggers,
            "body_cues": script.body_cues,
            "automatic_responses": script.automatic_responses,
            "automatic_words": script.automatic_words,
            "protects": script.protects,
            "costs": script.costs,
        }


class NewResponseForm(forms.Form):
    description = forms.CharField(
        label="A new response to practise",
        max_length=TEXT_LIMITS["description"],
        help_text="Something small and specific, like “Say 'I need ten minutes', then come back”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("on_map", "Put on my map"), ("set_aside", "Set aside")])


class PracticeForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = _when_field()
    outcome = forms.ChoiceField(
        label="How did it go?",
        required=False,
        choices=ResponsePractice.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="A note", required=False, max_length=TEXT_LIMITS["note"], widget=forms.Textarea(attrs={"rows": 2})
    )
    shared = forms.BooleanField(label="Share this with my care team", required=False)

    def practice_input(self) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            occurred_at=data.get("occurred_at"),
            outcome=data.get("outcome") or "",
            note=data.get("note") or "",
            shared=bool(data.get("shared")),
        )


class InsightsForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label="Show", coerce=int, initial=12,
        choices=[(4, "Past 4 weeks"), (12, "Past 12 weeks"), (26, "Past 6 months"), (52, "Past year")],
    )  # fmt: skip
