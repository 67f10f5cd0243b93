"""Couples service calls made the way a view makes them: reach the link (or the row) through the policy with the
permission the service needs, then call the service with that access."""

from __future__ import annotations

from typing import Any

from attune.accounts.models import User
from attune.care.models import PartnerLink
from attune.core import policy
from attune.couples import perms, services
from attune.couples.models import Agreement, AgreementNote, CheckInAnswer
from tests.cast import canary


def link_as(user: User, link: PartnerLink, perm: policy.Perm) -> policy.Located[PartnerLink]:
    return policy.locate(user, PartnerLink.objects.select_related("partner"), link.pk, perm, entity="PartnerLink")


def agreement_as(user: User, agreement: Agreement, perm: policy.Perm) -> policy.Located[Agreement]:
    rows = Agreement.objects.select_related("link", "link__partner")
    return policy.locate(user, rows, agreement.pk, perm, entity="Agreement")


def draft(user: User, link: PartnerLink, *, kind: str = "pacing", text: str | None = None) -> Agreement:
    located = link_as(user, link, perms.DRAFT)
    words = text if text is not None else canary("agreementversion", "text")
    return services.draft(located.access, located.row, kind=kind, title=canary("agreementversion", "title"), text=words)


def consent(user: User, agreement: Agreement) -> Any:
    located = agreement_as(user, agreement, perms.TAKE_PART)
    latest = located.row.versions.order_by("-number").first()
    return services.consent(located.access, located.row, latest.pk if latest else None)


def withdraw(user: User, agreement: Agreement) -> int:
    located = agreement_as(user, agreement, perms.TAKE_PART)
    return services.withdraw(located.access, located.row)


def new_version(user: User, agreement: Agreement, text: str = "The same words, agreed again.") -> Any:
    located = agreement_as(user, agreement, perms.DRAFT)
    return services.new_version(located.access, located.row, title="Going slowly", text=text)


def note(user: User, agreement: Agreement, *, show_clinician: bool = False) -> AgreementNote:
    located = agreement_as(user, agreement, perms.TAKE_PART)
    return services.add_note(
        located.access, located.row, text=canary("agreementnote", "text"), show_clinician=show_clinician
    )


def check_in(
    user: User, link: PartnerLink, *, show_partner: bool = False, show_clinician: bool = False
) -> list[CheckInAnswer]:
    located = link_as(user, link, perms.TAKE_PART)
    answers = [
        services.AnswerInput("safe", value=3, show_partner=show_partner, show_clinician=show_clinician),
        services.AnswerInput(
            "helped",
            text=canary("checkinanswer", "text"),
            show_partner=show_partner,
            show_clinician=show_clinician,
        ),
    ]
    return services.check_in(located.access, located.row, answers)


def state_for(user: User, agreement: Agreement) -> str:
    """The agreement's state as this person's next request works it out."""
    from attune.couples import queries

    located = agreement_as(user, agreement, perms.VIEW)
    people = queries.couple(located.access, located.row.link).people
    return queries.agreement(located.access, located.row, people).state.key


def post(browser: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    """A page write as a browser makes it (CSRF cookie and header)."""
    from tests.diary.support import post as armed_post

    return armed_post(browser, url, data)
