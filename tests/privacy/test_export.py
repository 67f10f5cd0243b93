"""Take it with you: every model linked to a client is in the export registry, a canary planted in every
encrypted field of every such model is found in the export, the zip is built by the job, sealed while it waits,
downloadable once, and only after step-up."""

from __future__ import annotations

import io
import json
import secrets
import uuid
import zipfile

import time_machine
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from attune.care.models import Client
from attune.core import disclosure, policy
from attune.core.fields import EncryptedTextField
from attune.measures import library
from attune.privacy import jobs, perms
from attune.privacy.models import ExportRequest
from tests import fhir_checks
from tests.questionnaires import acting


def _linked_models() -> set[str]:
    linked = {Client._meta.label}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "related_model", None) is Client:
                linked.add(model._meta.label)
    return linked


def test_every_model_linked_to_a_client_is_exported() -> None:
    registered = {e.label for e in disclosure.exportables()} | set(disclosure.withheld())
    missing = _linked_models() - registered
    assert not missing, f"register these with core.disclosure.exports() in their app's ready(): {sorted(missing)}"


# --- planting a canary in every encrypted field of every exported model -------------------------------------


def _filler(field: models.Field, client: Client, user) -> object:
    """A valid value for a required field: the client and their user for links to them; a new row (filled the
    same way) for links to anything else; the first choice; a small number; now."""
    if field.is_relation:
        target = field.related_model
        if target is Client:
            return client
        if target._meta.label == settings.AUTH_USER_MODEL:
            return user
        linked = {f.name for f in target._meta.concrete_fields if getattr(f, "related_model", None) is Client}
        existing = target._default_manager.filter(client=client).first() if "client" in linked else None
        return existing or _make(target, client, user)
    if field.choices:
        return field.choices[0][0]
    kind = field.get_internal_type()
    return {
        "UUIDField": uuid.uuid4(),
        "DateTimeField": timezone.now(),
        "DateField": timezone.localdate(),
        "TimeField": timezone.now().time(),
        "BooleanField": False,
        "JSONField": {},
        "EmailField": "someone@example.org",
        "BinaryField": b"",
    }.get(kind, 1 if "Integer" in kind or kind in {"FloatField", "DecimalField"} else "x")


def _make(model: type[models.Model], client: Client, user) -> models.Model:
    values = {}
    for field in model._meta.concrete_fields:
        auto_key = field.primary_key and (field.has_default() or "Auto" in field.get_internal_type())
        if auto_key or (not field.primary_key and (field.has_default() or field.null)):
            continue
        if isinstance(field, EncryptedTextField):
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            continue
        values[field.name] = _filler(field, client, user)
    return model._default_manager.create(**values)


def _plant(client: Client, user) -> dict[str, str]:
    """A canary in every encrypted field of every exported model, for this client. Returns canary -> where."""
    planted = {}
    for entry in disclosure.exportables():
        encrypted = [
            f
            for f in entry.model._meta.concrete_fields
            if isinstance(f, EncryptedTextField) and f.name not in entry.exclude
        ]
        if not encrypted:
            continue
        rows = entry.model._default_manager.filter(**{entry.client_field: client.pk})
        if entry.mine:
            rows = rows.filter(**{entry.mine: user})
        row = rows.first() or _make(entry.model, client, user)
        for field in encrypted:
            canary = f"CANARY-{entry.label}-{field.name}-{uuid.uuid4()}"
            setattr(row, field.name, canary)
            planted[canary] = f"{entry.label}.{field.name}"
        row.save()
    return planted


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _post(browser: Browser, path: str):
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser.post(path, {}, HTTP_X_CSRFTOKEN=secret)


def _zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_every_canary_and_is_downloaded_once(cast, django_capture_on_commit_callbacks) -> None:
    dana = cast.client("dana")
    planted = _plant(dana, cast.dana)
    assert len(planted) >= 20, planted  # every encrypted field of every exported model
    browser = _browser(cast.dana)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(browser, reverse("privacy:exports")).status_code == 302
    row = ExportRequest.objects.get(client=dana)
    assert row.status == ExportRequest.Status.QUEUED
    assert jobs.build_export(row.pk) == ExportRequest.Status.READY

    # While it waits, the zip is sealed: no canary in the database file.
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM privacy_exportrequest")
        (sealed,) = cursor.fetchone()
    assert not any(c.encode() in bytes(sealed) for c in planted)

    page = browser.get(reverse("privacy:exports")).content.decode()
    assert "Ready to download" in page
    answer = _post(browser, reverse("privacy:download", args=[row.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "Dana" not in answer["Content-Disposition"]
    files = _zip(answer.content)
    assert set(files) == {"README.md", "data.json", "fhir-bundle.json"}
    missing = [where for canary, where in planted.items() if canary not in files["data.json"]]
    assert not missing, f"not in the export: {missing}"
    data = json.loads(files["data.json"])
    assert set(data) == {e.label for e in disclosure.exportables()}
    assert "token_hash" not in files["data.json"]
    for entry in disclosure.exportables():
        assert f"## {entry.label}" in files["README.md"]
    bundle = json.loads(files["fhir-bundle.json"])
    assert bundle["resourceType"] == "Bundle" and bundle["entry"][0]["resource"]["resourceType"] == "Patient"

    # Once only.
    again = _post(browser, reverse("privacy:download", args=[row.pk]))
    assert again.status_code == 302
    row.refresh_from_db()
    assert row.status == ExportRequest.Status.DOWNLOADED and row.sealed is None


def test_the_fhir_bundle_has_questionnaires_and_scores(cast) -> None:
    from attune.privacy import export
    from attune.questionnaires.models import Answer, Response

    dana = cast.client("dana")
    response = Response.objects.create(
        client=dana,
        instrument="gad7",
        status="completed",
        scored=True,
        total=1,
        submission_key=uuid.uuid4(),
        submitted=timezone.now(),
        notice_seen=True,
    )
    Answer.objects.create(response=response, client=dana, link_id="gad7-1", value=1)
    access = policy.own(cast.dana, perms.EXPORT)
    kinds = [e["resource"]["resourceType"] for e in export.fhir_bundle(access, dana)["entry"]]
    assert kinds == ["Patient", "Questionnaire", "QuestionnaireResponse", "Observation"]


def test_asking_and_downloading_need_step_up(cast) -> None:
    with time_machine.travel("2026-11-21 09:00", tick=False) as clock:
        browser = _browser(cast.dana)
        for _ in range(2):
            clock.shift(4 * 60)
            browser.get(reverse("home"))
        stale = _post(browser, reverse("privacy:exports"))
        assert stale["Location"].startswith(reverse("accounts:confirm"))
        assert not ExportRequest.objects.exists()


def test_a_copy_not_downloaded_is_thrown_away_after_a_day(cast) -> None:
    access = policy.own(cast.dana, perms.EXPORT)
    from attune.privacy import services

    row = services.request_export(access)
    jobs.build_export(row.pk)
    jobs.tidy(timezone.now() + timezone.timedelta(hours=25))
    row.refresh_from_db()
    assert row.status == ExportRequest.Status.EXPIRED and row.sealed is None


def test_nobody_else_can_ask_for_or_take_a_clients_export(cast, client_for) -> None:
    access = policy.own(cast.dana, perms.EXPORT)
    from attune.privacy import services

    row = services.request_export(access)
    jobs.build_export(row.pk)
    # Eli (another client) posting Dana's request id gets nothing: his own access finds no such copy.
    answer = _post(_browser(cast.eli), reverse("privacy:download", args=[row.pk]))
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.status == ExportRequest.Status.READY


def test_a_partners_private_words_are_not_in_the_clients_export_and_the_couple_notes_are_withheld(cast) -> None:
    """Couples rows are filed under the client's record, but what frank keeps private is his: dana's export
    holds her own check-in answers and notes, not his; the clinician's notes about both of them are withheld,
    and the README says so."""
    from attune.care.models import PartnerLink
    from attune.privacy import export
    from tests.couples import support

    link = PartnerLink.objects.get(client=cast.client("dana"), partner=cast.frank, ended__isnull=True)
    agreement = support.draft(cast.dana, link)
    his_note, her_note = support.note(cast.frank, agreement), support.note(cast.dana, agreement)
    his_answers, her_answers = support.check_in(cast.frank, link), support.check_in(cast.dana, link)
    access = policy.own(cast.dana, perms.EXPORT)
    tables = export.tables(access)
    notes = {row["id"] for row in tables["couples.AgreementNote"]}
    answers = {row["id"] for row in tables["couples.CheckInAnswer"]}
    assert notes == {her_note.pk} and his_note.pk not in notes
    assert answers == {a.pk for a in her_answers} and not answers & {a.pk for a in his_answers}
    dumped = json.dumps(tables, default=str)
    assert his_note.text not in dumped and all(a.text not in dumped for a in his_answers if a.text)
    assert "couples.CoupleNote" not in tables
    assert "couples.CoupleNote (not included)" in export.readme("Dana")


def test_the_fhir_bundle_holds_the_treatment_plan_and_goals_and_every_reference_resolves(cast) -> None:
    """CarePlan and Goal where they exist (the clinical record registers them), valid FHIR R4, each reference
    pointing at an entry of the same bundle, and the clinician's formulation left out."""
    from fhir.resources.R4B.bundle import Bundle

    from attune.care.models import Episode
    from attune.clinical.models import Goal, TreatmentPlan
    from attune.privacy import export

    dana = cast.client("dana")
    episode = Episode.objects.filter(client=dana).first() or Episode.objects.create(client=dana)
    plan = TreatmentPlan.objects.create(
        client=dana, episode=episode, formulation_client="Feeling safe enough to say no", formulation_clinician="X9"
    )
    goal = Goal.objects.create(client=dana, plan=plan, title="Say 'not now' and stay close", level_0="Once a week")
    for code in ("phq9", "pcptsd5"):
        instrument = library.load(code)
        response = acting.start(cast.dana, dana.pk, code)
        for item in instrument.items:
            acting.answer(cast.dana, response.pk, item["linkId"], value=item["options"][-1][0])
        acting.submit(cast.dana, response.pk, uuid.uuid4())
    access = policy.own(cast.dana, perms.EXPORT)
    bundle = export.fhir_bundle(access, dana)
    Bundle.model_validate(json.loads(json.dumps(bundle, default=str)))
    by_url = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}
    care_plan = next(r for r in by_url.values() if r["resourceType"] == "CarePlan")
    assert care_plan["description"] == "Feeling safe enough to say no" and "X9" not in json.dumps(bundle)
    assert care_plan["goal"] == [{"reference": f"urn:uuid:{goal.pk}"}]
    kinds = [r["resourceType"] for r in by_url.values()]
    assert kinds.count("QuestionnaireResponse") == 2 and kinds.count("Questionnaire") == 2
    # Every reference of every resource (subjects, goals, derivedFrom...) points at an entry of this bundle.
    assert len(fhir_checks.references(bundle)) >= 8
    assert fhir_checks.unresolved(bundle) == []
