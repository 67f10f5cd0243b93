from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from attune.accounts.models import Invitation
        from attune.core import disclosure

        # The link's secret stays out: it is a password in all but name.
        disclosure.exports(Invitation, "Invitations to the portal sent for you", exclude={"token_hash"})
