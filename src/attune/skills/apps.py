from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "attune.skills"
    label = "skills"
    verbose_name = "Skills library, guided exercises and practice records"

    def ready(self) -> None:
        from attune.skills import perms

        del perms  # declared on import
