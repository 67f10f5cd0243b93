from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "attune.measures"
    label = "measures"
    verbose_name = "Measures: the instrument library and scoring"

    def ready(self) -> None:
        from django.conf import settings

        from attune.measures import library

        library.use_local_dir(settings.ATTUNE_INSTRUMENTS_DIR)
