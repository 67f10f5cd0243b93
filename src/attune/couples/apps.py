from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "attune.couples"
    label = "couples"
    verbose_name = "Couples work: agreements, check-ins and rehearsals"

    def ready(self) -> None:
        from attune.core import ticks
        from attune.couples import perms, services

        del perms  # declared on import
        ticks.register("couples.remind_check_ins", services.remind_check_ins)
        ticks.register("couples.offer_relationship_questions", services.offer_relationship_questions)
        _exports()


def _exports() -> None:
    """The client's couples work in their export: what both partners see in full; of the rows each keeps
    private, only the client's own."""
    from attune.core import disclosure
    from attune.couples import models as m

    disclosure.exports(m.PartnerInvite, "Invitations of a partner to couples work")
    disclosure.exports(m.Agreement, "Your couples agreements")
    disclosure.exports(m.AgreementVersion, "Each version of an agreement, in the words you agreed")
    disclosure.exports(m.Consent, "Who agreed to each version, and when anyone withdrew")
    disclosure.exports(m.AgreementNote, "Your own private notes on agreements", mine="author")
    disclosure.exports(m.CheckInAnswer, "Your own check-in answers", mine="author")
    disclosure.exports(m.Rhythm, "How often you chose to check in")
    disclosure.exports(
        m.RelationshipQuestions,
        "Your turns at the questions on how things are between you, and whether you showed your partner the total",
        mine="person",
    )
    disclosure.exports(m.Rehearsal, "Rehearsals of checking in, and how they went")
    disclosure.withholds(
        m.CoupleNote,
        "Your clinician's notes about your couples work are about both of you, so they are not in one person's "
        "download. You can ask your clinician about them.",
    )
