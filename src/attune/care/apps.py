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
