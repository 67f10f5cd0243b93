"""A client's complete export ("take it with you", SECURITY 27, GDPR 15 and 20): a zip with

- data.json: every table an app registered with core.disclosure.exports(), each row of the client with every
  column (free text decrypted), keyed by the table's label;
- README.md: what each table and column means;
- fhir-bundle.json: a FHIR R4 Bundle with the Patient, each Questionnaire answered, each completed
  QuestionnaireResponse and its scores as Observations, and what other apps register (CarePlan, Goal); every
  reference resolves to an entry of the Bundle.

`build()` runs in the background job (tasks.build_export) with the client's own access, reached again through
the policy when the job runs, so an export requested before a revocation or erasure is not built after it.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, Model
from django.utils import timezone

from attune.care.models import Client
from attune.core import disclosure
from attune.core.fields import EncryptedTextField
from attune.core.policy import Access
from attune.measures import library
from attune.questionnaires import fhir
from attune.questionnaires.models import Response


def _columns(entry: disclosure.Exportable) -> list[Field[Any, Any]]:
    return [f for f in entry.model._meta.concrete_fields if f.name not in entry.exclude]


def _value(row: Model, field: Field[Any, Any]) -> Any:
    if isinstance(field, EncryptedTextField):
        return str(getattr(row, field.name) or "")
    return getattr(row, field.attname)


def tables(access: Access) -> dict[str, list[dict[str, Any]]]:
    """Every registered table's rows of this client, as plain values (one query per table)."""
    out: dict[str, list[dict[str, Any]]] = {}
    own_account = Client.objects.filter(pk=access.client_id).values_list("user_id", flat=True).first()
    for entry in disclosure.exportables():
        rows = entry.model._default_manager.filter(**{entry.client_field: access.client_id})
        if entry.mine:
            rows = rows.filter(**{entry.mine: own_account})
        columns = _columns(entry)
        out[entry.label] = [{f.attname: _value(row, f) for f in columns} for row in rows]
    return out


def readme(client_name: str) -> str:
    lines = [
        f"# Your data from Attune, {client_name}",
        "",
        f"Made on {timezone.localtime():%-d %B %Y at %H:%M}. This folder holds everything Attune keeps that is "
        "linked to you.",
        "",
        "- `data.json`: every table, with each of your rows and every field, in plain text.",
        "- `fhir-bundle.json`: the same questionnaires and results in FHIR, a format other health services read.",
        "",
        "Ids are Attune's own; a field ending in `_id` points to another row (a person, or a row in another table).",
        "",
    ]
    for entry in disclosure.exportables():
        lines += [f"## {entry.label}", "", entry.about, "", "| field | what it is |", "|---|---|"]
        for field in _columns(entry):
            meaning = str(field.help_text or field.verbose_name)
            kind = "text (was encrypted)" if isinstance(field, EncryptedTextField) else field.get_internal_type()
            lines.append(f"| `{field.attname}` | {meaning} ({kind}) |")
        lines.append("")
    for label, why in sorted(disclosure.withheld().items()):
        lines += [f"## {label} (not included)", "", why, ""]
    return "\n".join(lines)


def fhir_bundle(access: Access, client: Any) -> dict[str, Any]:
    """The client's FHIR R4 collection. Every reference is to an entry's full URL (urn:uuid:<id>) and each
    Questionnaire answered is included once, so the Bundle is read whole without fetching anything else."""
    patient = {
        **fhir.patient(access.client_id),
        "name": [{"text": client.preferred_name}],
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/individual-pronouns", "valueString": client.pronouns}
        ]
        if client.pronouns
        else [],
    }
    resources: list[dict[str, Any]] = [patient]
    questionnaires: dict[str, dict[str, Any]] = {}
    completed = Response.objects.filter(client_id=access.client_id, status=Response.Status.COMPLETED)
    for response in completed.prefetch_related("answers").order_by("submitted"):
        instrument = library.load(response.instrument)
        questionnaires.setdefault(instrument.code, fhir.questionnaire_entry(instrument))
        resources += [fhir.questionnaire_response(response), *fhir.observations(response)]
    for reader in disclosure.fhir_readers():
        resources += reader(access)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [*fhir.entries(resources[:1]), *questionnaires.values(), *fhir.entries(resources[1:])],
    }


def build(access: Access, client: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(client.preferred_name))
        archive.writestr("data.json", json.dumps(tables(access), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        archive.writestr("fhir-bundle.json", json.dumps(fhir_bundle(access, client), cls=DjangoJSONEncoder, indent=2))
    return buffer.getvalue()
