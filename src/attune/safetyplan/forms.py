"""Page forms of the safety plan, using the limits declared once in inputs.py. Field names are the services'
names, so a service's ValidationError lands on the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms

from attune.safetyplan import inputs


def _text(label: str, limit: int, *, rows: int = 4, help_text: str = "") -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows > 1 else forms.TextInput()
    return forms.CharField(label=label, max_length=limit, required=False, widget=widget, help_text=help_text)


def _phone(label: str = "Phone number") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=inputs.PHONE_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )


class _ServicesMixin:
    """Up to five contacts, each a name and a phone number, as numbered pairs of fields."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_service_fields(self, existing: list[dict[str, str]], label: str) -> None:
        self.service_rows = []
        # The contacts already there and two empty rows (up to five): a long form of empty boxes helps nobody.
        for i in range(1, min(inputs.MAX_SERVICES, len(existing) + 2) + 1):
            self.fields[f"service_name_{i}"] = forms.CharField(
                label=f"{label} {i}: name", max_length=inputs.SHORT_LIMIT, required=False
            )
            self.fields[f"service_phone_{i}"] = _phone(f"{label} {i}: phone number")
            self.service_rows.append((f"service_name_{i}", f"service_phone_{i}"))
        for i, item in enumerate(existing[: inputs.MAX_SERVICES], start=1):
            self.fields[f"service_name_{i}"].initial = item.get("name", "")
            self.fields[f"service_phone_{i}"].initial = item.get("phone", "")

    def services(self) -> list[dict[str, str]]:
        rows = []
        for name_field, phone_field in self.service_rows:
            name = self.cleaned_data.get(name_field) or ""
            phone = self.cleaned_data.get(phone_field) or ""
            if name or phone:
                rows.append({"name": name, "phone": phone})
        return rows


class StepForm(_ServicesMixin, forms.Form):
    """One step of the suicide-safety part."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        step: str,
        current: dict[str, Any],
        skills: list[tuple[str, str]] | None = None,
        people: list[tuple[str, str]] | None = None,
        photo: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        title = inputs.STEP_TITLES[step]
        self.fields["text"] = _text(f"{title}, in your own words", inputs.TEXT_LIMIT, rows=6)
        self.fields["text"].initial = current.get("text", "")
        if step == "coping":
            self.fields["skills"] = forms.MultipleChoiceField(
                label="Skills from your library", choices=skills or [], required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.fields["skills"].initial = current.get("skills") or []
        if step in {"distractions", "help"}:
            self.fields["people"] = forms.MultipleChoiceField(
                label="People from your support network", choices=people or [], required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.fields["people"].initial = current.get("people") or []
        if step == "professionals":
            self.add_service_fields(current.get("services") or [], "Contact")
        else:
            self.service_rows = []
        if photo:
            self.fields["photo"] = forms.FileField(
                label="A photo that reminds you what matters",
                required=False,
                help_text="It is kept encrypted, like everything in your plan. JPEG, PNG or WebP, up to 5 MB.",
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )
            self.fields["remove_photo"] = forms.BooleanField(label="Remove the photo", required=False)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {"text": data.get("text") or ""}
        if "skills" in self.fields:
            values["skills"] = list(data.get("skills") or [])
        if "people" in self.fields:
            values["people"] = list(data.get("people") or [])
        if self.step == "professionals":
            values["services"] = self.services()
        return values


class RelationshipForm(_ServicesMixin, forms.Form):
    """The relationship-safety part, on one page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    signs = _text("Signs that things are getting unsafe at home", inputs.TEXT_LIMIT)
    safe_place = _text("A safe place I can go", inputs.TEXT_LIMIT, rows=3)
    getting_there = _text("How I can get there", inputs.TEXT_LIMIT, rows=3)
    checklist = forms.MultipleChoiceField(
        label="Things to have ready, or to keep with someone I trust",
        choices=inputs.CHECKLIST,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    checklist_other = _text("Anything else to take", inputs.TEXT_LIMIT, rows=2)
    code_word = _text("A code word", inputs.SHORT_LIMIT, rows=1, help_text="A word that means 'I need help now'.")
    code_person = _text("Who knows the code word", inputs.SHORT_LIMIT, rows=1)
    contact_ways = _text("Safe ways to contact me", inputs.TEXT_LIMIT, rows=3)

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (*inputs.RELATIONSHIP_TEXT, "checklist"):
            self.fields[name].initial = current.get(name, [] if name == "checklist" else "")
        self.add_service_fields(current.get("services") or [], "Service")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) or "" for name in inputs.RELATIONSHIP_TEXT}
        values["checklist"] = list(data.get("checklist") or [])
        values["services"] = self.services()
        return values


class PersonForm(forms.Form):
    name = forms.CharField(label="Name or nickname", max_length=inputs.PERSON_TEXT["name"])
    how_they_help = _text("How they help", inputs.PERSON_TEXT["how_they_help"], rows=2)
    phone = _phone()
    reach = _text("Other ways to reach them", inputs.PERSON_TEXT["reach"], rows=2)
    knows_about_therapy = forms.ChoiceField(
        label="Do they know you are in therapy?", choices=inputs.YES_NO, required=False, widget=forms.RadioSelect
    )
    safe_to_contact = forms.ChoiceField(
        label="Is it safe for you to contact them?", choices=inputs.YES_NO, required=False, widget=forms.RadioSelect
    )


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(label="What your care team can see", choices=inputs.SHARING, widget=forms.RadioSelect)


class ReviewedForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Reviewed together on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PrintForm(forms.Form):
    """Which parts go on the printout or the PDF. The relationship part needs a second, explicit yes."""

    parts = forms.MultipleChoiceField(
        label="Parts to include",
        choices=[*((k, t) for k, t, _ in inputs.STEPS), ("network", "My support network"),
                 (inputs.RELATIONSHIP_STEP, "My relationship-safety plan")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one part to print."},
    )  # fmt: skip
    understood = forms.BooleanField(
        label="I understand that anyone who finds this printout can read my relationship-safety plan.",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if inputs.RELATIONSHIP_STEP in (data.get("parts") or []) and not data.get("understood"):
            self.add_error(
                "understood",
                "Please read the note about where a printout is kept, and tick the box if you still want this part.",
            )
        return data
