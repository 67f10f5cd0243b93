from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "attune.care"
    label = "care"
    verbose_name = "Practices and client records"

    def ready(self) -> None:
        from attune.care import perms, relations
        from attune.core import policy

        del perms  # declared on import
        policy.use_relations(relations.CareRelations())
