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
