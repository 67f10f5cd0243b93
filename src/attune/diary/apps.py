from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "attune.diary"
    label = "diary"
    verbose_name = "Trigger and skills diary, relationship scripts and insights"
