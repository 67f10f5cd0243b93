from __future__ import annotations

from django import forms

from attune.measures import library
from attune.questionnaires import engine


def instrument_choices() -> list[tuple[str, str]]:
    return [(i.code, i.title) for i in library.all_instruments() if engine.administrable(i)]


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["instrument"].choices = instrument_choices()  # type: ignore[attr-defined]
