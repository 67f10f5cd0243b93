from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "attune.care"
    label = "care"
    verbose_name = "Practices and client records"

    def ready(self) -> None:
        from attune.care import perms, relations, services
        from attune.core import events, policy

        del perms  # declared on import
        policy.use_relations(relations.CareRelations())
        events.subscribe(events.InvitationAccepted, services.link_invited_account)
        events.subscribe(events.ClientErased, services.on_client_erased)
        # Accounts (below) asks the record layer whether a client or partner may hold API tokens.
        from attune.accounts import services as accounts

        accounts.use_token_rule(services.may_hold_api_tokens)
        # The client's export (privacy centre): the record layer's tables.
        from attune.care import models
        from attune.core import disclosure

        disclosure.exports(models.Client, "Your record: name, pronouns, what brings you here", client_field="pk")
        disclosure.exports(models.CareTeamMember, "Who is in your care team, and since when")
        disclosure.exports(models.Episode, "Your episodes of care: when they opened and closed, and why")
        disclosure.exports(models.PartnerLink, "Your link with a partner for couples work")
        disclosure.exports(models.SafeContact, "The ways it is safe for your care team to contact you")
