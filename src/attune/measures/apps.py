from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "attune.measures"
    label = "measures"
    verbose_name = "Measures: the instrument library and scoring"
