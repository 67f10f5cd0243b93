from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "attune.diary"
    label = "diary"
    verbose_name = "Trigger and skills diary, relationship scripts and insights"

    def ready(self) -> None:
        from attune.diary import perms

        del perms  # declared on import
