"""The story of the issue, through the pages: Eli receives an intake, reads what will happen, keeps the coercion
section for the session, pauses, comes back the next day exactly where they left off, and sends it; Bob sees a
clear summary with that section marked for the session."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from attune.care.models import SafeContact
from attune.intake.models import Intake, IntakeAnswer, IntakeSection
from attune.notify.models import Notification
from tests.intake.support import crisis_line, item_url, post, resume, section_url

pytestmark = pytest.mark.django_db


def _answer(browser, intake, link_id, **data):
    response = post(browser, item_url(intake, link_id), {"action": "next", **data})
    assert response.status_code == 302, (link_id, response.status_code, response.content[:400])
    return response


def _begin(browser, intake, section):
    response = post(browser, section_url(intake, section), {"action": "begin"})
    assert response.status_code == 302
    return resume(browser, intake)


def test_eli_keeps_a_section_for_the_session_pauses_resumes_and_sends(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    crisis_line(cast)
    bob, eli = client_for(cast.bob), client_for(cast.eli)
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(bob, reverse("intake:send", args=[cast.client("eli").pk]))
    assert sent.status_code == 302
    intake = Intake.objects.get(client=cast.client("eli"))
    # Told through the outbox with notify's neutral sentence (its own tests prove the words), never by mail
    # sent from the request.
    assert mail.outbox == []
    told = Notification.objects.get(recipient=cast.eli)
    assert (told.purpose, told.target) == ("message", reverse("workspace:portal"))
    assert told.dedupe_key == f"intake:{Intake.objects.get().pk}:sent"

    home = eli.get(reverse("workspace:portal")).content.decode()
    assert "Getting to know you" in home and "From Bob Okafor" in home
    assert resume(eli, intake).endswith("/welcome/")
    welcome = eli.get(reverse("intake:portal_welcome", args=[intake.pk])).content.decode()
    for words in ("Prefer not to answer", "I'd rather talk about this in person", "Bob Okafor", "Quiet Harbour Line"):
        assert words in welcome, words
    assert post(eli, reverse("intake:portal_welcome", args=[intake.pk]), {"action": "begin"}).status_code == 302

    assert resume(eli, intake).endswith("/part/about/")
    assert _begin(eli, intake, "about").endswith("/q/about-hopes/")
    _answer(eli, intake, "about-hopes", text="To feel calmer when plans change.")
    post(eli, item_url(intake, "about-signs"), {"action": "skip"})
    _answer(eli, intake, "about-focus", codes=["reactions", "limits"])
    assert _begin(eli, intake, "relationships").endswith("/q/rel-status/")
    _answer(eli, intake, "rel-status", codes=["relationship"])
    _answer(eli, intake, "rel-good", text="We laugh a lot.")
    # Halfway: "Continue later" on the next question.
    later = post(eli, item_url(intake, "rel-hard"), {"action": "later"})
    assert later["Location"] == reverse("workspace:portal")

    # The next day, on another device: exactly where they left off.
    phone = client_for(cast.eli)
    assert resume(phone, intake).endswith("/q/rel-hard/")
    _answer(phone, intake, "rel-hard", text="Raised voices.")
    _answer(phone, intake, "rel-goals", codes=["together", "pace"])
    _answer(phone, intake, "rel-goals-words", text="Go at my pace together.")
    assert _begin(phone, intake, "safety").endswith("/q/safety-feel/")
    for link_id, code in [("safety-feel", "yes"), ("safety-afraid", "no"), ("safety-harm", "no")]:
        _answer(phone, intake, link_id, codes=[code])
    _answer(phone, intake, "safety-pressure", codes=["no"])
    _answer(phone, intake, "safety-self-harm", codes=["no"])
    # Safe ways to be reached: the number is asked once phone calls are safe.
    assert _begin(phone, intake, "contact").endswith("/q/contact-email/")
    for link_id, code in [("contact-email", "yes"), ("contact-push", "no"), ("contact-phone", "yes")]:
        _answer(phone, intake, link_id, codes=[code])
    _answer(phone, intake, "contact-number", text="07700 900123")
    post(phone, item_url(intake, "contact-message"), {"action": "skip"})
    _answer(phone, intake, "contact-avoid", text="Not after 6 pm.")

    # The coercion section: "I'd rather talk about this in person", from its notice.
    assert resume(phone, intake).endswith("/part/coercion/")
    kept = post(phone, section_url(intake, "coercion"), {"action": "in-person"})
    assert kept.status_code == 302
    assert resume(phone, intake).endswith("/part/body/")
    assert _begin(phone, intake, "body").endswith("/q/body-screen/")
    _answer(phone, intake, "body-screen", codes=["not-now"])
    _answer(phone, intake, "body-pcl5", codes=["not-now"])
    assert _begin(phone, intake, "support").endswith("/q/support-who/")
    _answer(phone, intake, "support-who", codes=["friends"])
    _answer(phone, intake, "support-helps", text="Long walks.")
    assert resume(phone, intake).endswith("/review/")

    review = phone.get(reverse("intake:portal_review", args=[intake.pk])).content.decode()
    assert "For your session" in review and "Experiences of pressure or coercion" in review
    assert "To feel calmer when plans change." in review and "Prefer not to answer" in review
    key = str(uuid.uuid4())
    done = post(phone, reverse("intake:portal_review", args=[intake.pk]), {"submission_id": key})
    assert done["Location"] == reverse("intake:portal_sent", args=[intake.pk])
    again = post(phone, reverse("intake:portal_review", args=[intake.pk]), {"submission_id": key})
    assert again["Location"] == done["Location"]
    intake.refresh_from_db()
    assert intake.status == "submitted" and str(intake.submission_key) == key
    # Sent: the record knows how to reach eli safely; the skipped question says nothing.
    contact = SafeContact.objects.get(client=cast.client("eli"))
    assert (contact.email_ok, contact.push_ok, contact.phone_ok, contact.may_leave_message) == (True, False, True, None)
    assert (contact.phone, contact.times_to_avoid) == ("07700 900123", "Not after 6 pm.")
    thanks = phone.get(done["Location"]).content.decode()
    assert "Experiences of pressure or coercion" in thanks

    # Bob's view.
    overview = bob.get(reverse("workspace:client", args=[cast.client("eli").pk])).content.decode()
    assert "To talk about in person: Experiences of pressure or coercion" in overview
    summary = bob.get(reverse("intake:summary", args=[cast.client("eli").pk])).content.decode()
    assert "To feel calmer when plans change." in summary  # their goals, in their own words
    assert "Go at my pace together." in summary
    assert "For the session" in summary and 'href="#section-coercion"' in summary
    assert "Relationship status" in summary and "Yes, in a relationship" in summary
    assert "Consider couples work only after the relationship-safety answers have been reviewed in session" in summary
    assert "would rather talk about this in person" in summary

    saved = post(
        bob,
        reverse("intake:discuss", args=[cast.client("eli").pk, intake.pk, "coercion"]),
        {"discussed": "on", "note": "Went slowly; agreed to come back to it."},
    )
    assert saved.status_code == 302
    row = IntakeSection.objects.get(intake=intake, link_id="coercion")
    assert row.discussed and row.discussed_by == cast.bob and row.note == "Went slowly; agreed to come back to it."
    after = bob.get(reverse("intake:summary", args=[cast.client("eli").pk])).content.decode()
    assert "Discussed" in after and "Went slowly; agreed to come back to it." in after
    assert IntakeAnswer.objects.filter(intake=intake).count() == 23


def test_a_section_can_be_kept_for_the_session_from_any_of_its_questions(cast, client_for) -> None:
    from tests.intake.support import send

    intake = send(cast)
    eli = client_for(cast.eli)
    post(eli, reverse("intake:portal_welcome", args=[intake.pk]), {"action": "begin"})
    _begin(eli, intake, "about")
    _answer(eli, intake, "about-hopes", text="Something")
    kept = post(eli, item_url(intake, "about-signs"), {"action": "in-person"})
    assert kept.status_code == 302
    assert resume(eli, intake).endswith("/part/relationships/")
    assert IntakeSection.objects.get(intake=intake, link_id="about").in_person
    # Changing their mind from the review page brings the questions back.
    post(eli, section_url(intake, "about"), {"action": "answer-now"})
    assert not IntakeSection.objects.get(intake=intake, link_id="about").in_person
    assert resume(eli, intake).endswith("/part/about/")


def test_back_goes_to_the_previous_question_and_unticking_everything_clears_the_answer(cast, client_for) -> None:
    from tests.intake.support import send

    intake = send(cast)
    eli = client_for(cast.eli)
    post(eli, reverse("intake:portal_welcome", args=[intake.pk]), {"action": "begin"})
    _begin(eli, intake, "about")
    _answer(eli, intake, "about-hopes", text="Something")
    _answer(eli, intake, "about-signs", text="Sleep")
    autosaved = post(eli, item_url(intake, "about-focus"), {"codes": ["trust"]}, HTTP_X_ATTUNE_AUTOSAVE="1")
    assert autosaved.status_code == 204
    assert IntakeAnswer.objects.get(intake=intake, link_id="about-focus").codes == ["trust"]
    cleared = post(eli, item_url(intake, "about-focus"), {}, HTTP_X_ATTUNE_AUTOSAVE="1")
    assert cleared.status_code == 204
    assert not IntakeAnswer.objects.filter(intake=intake, link_id="about-focus").exists()
    back = post(eli, item_url(intake, "about-focus"), {"action": "back"})
    assert back["Location"] == item_url(intake, "about-signs")
    page = eli.get(item_url(intake, "about-signs")).content.decode()
    assert ">Sleep</textarea>" in page


def test_a_question_that_is_not_asked_redirects_and_cannot_be_answered(cast, client_for) -> None:
    from tests.intake.support import send

    intake = send(cast)
    eli = client_for(cast.eli)
    post(eli, reverse("intake:portal_welcome", args=[intake.pk]), {"action": "begin"})
    _answer(eli, intake, "coer-any", codes=["no"])
    # "No" to the opening question: the rest of the section is not asked.
    assert eli.get(item_url(intake, "coer-who")).status_code == 302
    refused = post(eli, item_url(intake, "coer-who"), {"action": "next", "codes": ["partner"]})
    # Not saved; the client is taken back to where they are in the intake.
    assert refused.status_code == 302 and not IntakeAnswer.objects.filter(link_id="coer-who").exists()
    assert eli.get(item_url(intake, "no-such-item")).status_code == 404


def test_continue_later_after_answering_comes_back_to_the_same_question(cast, client_for) -> None:
    from tests.intake.support import send

    intake = send(cast)
    eli = client_for(cast.eli)
    post(eli, reverse("intake:portal_welcome", args=[intake.pk]), {"action": "begin"})
    later = post(eli, item_url(intake, "about-signs"), {"action": "later", "text": "Sleeping through"})
    assert later["Location"] == reverse("workspace:portal")
    assert IntakeAnswer.objects.get(intake=intake, link_id="about-signs").text == "Sleeping through"
    assert resume(client_for(cast.eli), intake).endswith("/q/about-signs/")
