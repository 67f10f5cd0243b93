"""Page forms of learning and narrative work, using the limits declared once in learn/inputs.py (the API schemas
use the same)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from attune.core.forms import RangeInput
from attune.learn import content, inputs
from attune.learn.models import PieceKind, Suggestion, Window
from attune.learn.services import PieceInput, ThoughtInput
from attune.skills import inputs as skill_inputs


def _slider(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=inputs.DISTRESS_MIN,
        max_value=inputs.DISTRESS_MAX,
        required=False,
        widget=RangeInput(
            attrs={"min": 0, "max": 100, "step": 5, "list": "suds-anchors", "data-suds": ""},
        ),
    )


def _strength(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=inputs.DISTRESS_MIN,
        max_value=inputs.DISTRESS_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}),
        error_messages={"min_value": "From 0 to 100.", "max_value": "From 0 to 100."},
    )


def _text(label: str, limit: int, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class WindowForm(forms.Form):
    window = forms.ChoiceField(
        label="Before you start: where are you right now?",
        choices=list(inputs.WINDOW.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answer that fits best. There is no wrong one."},
    )


class StartForm(forms.Form):
    distress_before = _slider("Before you start: how stirred up do you feel?")
    rate_before = forms.BooleanField(label="Include this rating", required=False)


class ChooseForm(forms.Form):
    choice = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    own_words = forms.CharField(
        label="Or write your own reply",
        required=False,
        max_length=inputs.OWN_REPLY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FinishForm(forms.Form):
    distress_after = _slider("And now?")
    rate_after = forms.BooleanField(label="Include this rating", required=False)
    note = _text("Anything you noticed", inputs.NOTE_LIMIT, rows=2)
    shared = forms.BooleanField(label="Share this practice with my care team", required=False)


class PhraseForm(forms.Form):
    text = forms.CharField(
        label="Your phrase",
        max_length=skill_inputs.PHRASE_LIMIT,
        help_text="Start from one of the starters below, or write your own. Change any word until it sounds like you.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a few words, or pick a starter above."},
    )


class ReflectionForm(forms.Form):
    text = _text("What stayed with you?", inputs.REFLECTION_LIMIT, rows=3)
    shared = forms.BooleanField(label="Share this reflection with my care team", required=False)


class ThoughtRecordForm(forms.Form):
    window = forms.ChoiceField(choices=[("", ""), *list(Window.choices)], required=False, widget=forms.HiddenInput)
    suggested = forms.UUIDField(required=False, widget=forms.HiddenInput)
    situation = _text(
        "The situation",
        inputs.TEXT_LIMIT,
        help_text="What was happening? Where, when, who was there? A line is enough.",
    )
    thought = _text("The thought", inputs.TEXT_LIMIT, help_text="What went through your mind? Write it as it sounded.")
    supports = _text("What supports the thought", inputs.TEXT_LIMIT)
    against = _text("What doesn't quite fit it", inputs.TEXT_LIMIT)
    balanced = _text(
        "A kinder, more balanced thought",
        inputs.TEXT_LIMIT,
        help_text="What might you say to a friend who had this thought?",
    )
    diary_entry = forms.ChoiceField(label="A diary entry this belongs to", required=False)
    script = forms.ChoiceField(label="A script on your map", required=False)
    shared = forms.BooleanField(label="Share this thought record with my care team", required=False)

    def __init__(
        self,
        *args: Any,
        entries: list[tuple[str, str]] = (),  # type: ignore[assignment]
        scripts: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for i in range(inputs.FEELINGS_MAX):
            self.fields[f"feeling_{i}"] = forms.CharField(
                label=f"Feeling {i + 1}", required=False, max_length=inputs.FEELING_NAME_LIMIT
            )
            self.fields[f"before_{i}"] = _strength(f"How strong, 0-100 (feeling {i + 1})")
            self.fields[f"after_{i}"] = _strength(f"How strong now, 0-100 (feeling {i + 1})")
        self.fields["diary_entry"].choices = [("", "None"), *entries]  # type: ignore[attr-defined]
        self.fields["script"].choices = [("", "None"), *scripts]  # type: ignore[attr-defined]

    def feeling_fields(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"feeling_{i}"], self[f"before_{i}"], self[f"after_{i}"]) for i in range(inputs.FEELINGS_MAX)]

    def thought_input(self) -> ThoughtInput:
        d = self.cleaned_data
        return ThoughtInput(
            situation=d.get("situation") or "",
            feelings=[
                (d.get(f"feeling_{i}") or "", d.get(f"before_{i}"), d.get(f"after_{i}"))
                for i in range(inputs.FEELINGS_MAX)
            ],
            thought=d.get("thought") or "",
            supports=d.get("supports") or "",
            against=d.get("against") or "",
            balanced=d.get("balanced") or "",
            window=d.get("window") or "",
            diary_entry_id=uuid.UUID(d["diary_entry"]) if d.get("diary_entry") else None,
            script_id=uuid.UUID(d["script"]) if d.get("script") else None,
            suggested_id=d.get("suggested"),
            shared=bool(d.get("shared")),
        )


PROMPTS = {
    PieceKind.EXTERNALISING: (
        "Give the story a name, if it does not have one yet, and write about it as something outside you. When does it "
        "visit? What does it tell you? What does it want for you, and what does it cost? When have you stood up to it, "
        "even a little?"
    ),
    PieceKind.LETTER: (
        "A letter you will never send, to anyone: a person, your younger self, the story itself. Say what you did not "
        "get to say. Nobody will read it unless you choose to share it."
    ),
    PieceKind.REWRITING: (
        "Tell the story again from who you are today. What did you do to get through? What do you know now? What "
        "would you like the next chapter to hold?"
    ),
}


class PieceForm(forms.Form):
    window = forms.ChoiceField(choices=[("", ""), *list(Window.choices)], required=False, widget=forms.HiddenInput)
    suggested = forms.UUIDField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="A title", required=False, max_length=inputs.TITLE_LIMIT)
    script = forms.ChoiceField(label="The script this is about", required=False)
    body = forms.CharField(
        label="In your own words",
        max_length=inputs.PIECE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Write a few words first. Nothing is saved until you do."},
    )
    distress_before = _slider("Before you started: how stirred up did you feel?")
    rate_before = forms.BooleanField(label="Include this rating", required=False)
    distress_after = _slider("And now?")
    rate_after = forms.BooleanField(label="Include this rating", required=False)
    shared = forms.BooleanField(label="Share this piece with my care team", required=False)

    def __init__(self, *args: Any, scripts: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["script"].choices = [("", "None"), *scripts]  # type: ignore[attr-defined]

    def piece_input(self, kind: str) -> PieceInput:
        d = self.cleaned_data
        return PieceInput(
            kind=kind,
            title=d.get("title") or "",
            body=d.get("body") or "",
            window=d.get("window") or "",
            script_id=uuid.UUID(d["script"]) if d.get("script") else None,
            suggested_id=d.get("suggested"),
            distress_before=d.get("distress_before") if d.get("rate_before") else None,
            distress_after=d.get("distress_after") if d.get("rate_after") else None,
            shared=bool(d.get("shared")),
        )


def suggestion_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        ("Modules", [(f"module:{m.slug}", m.title) for m in content.modules()]),
        ("Consent rehearsals", [(f"rehearsal:{r.slug}", r.title) for r in content.rehearsals()]),
        ("Exercises", [(f"exercise:{slug}", title) for slug, title in content.EXERCISES.items()]),
    ]


class SuggestForm(forms.Form):
    what = forms.ChoiceField(label="Suggest a module, rehearsal or exercise")

    def __init__(self, *args: Any, exclude: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = exclude or set()
        choices = [(group, [c for c in items if c[0] not in taken]) for group, items in suggestion_choices()]
        self.fields["what"].choices = [(group, items) for group, items in choices if items]  # type: ignore[attr-defined]

    def parts(self) -> tuple[str, str]:
        kind, _sep, target = self.cleaned_data["what"].partition(":")
        return (kind if kind in Suggestion.Kind.values else ""), target
