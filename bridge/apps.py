from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgeConfig(AppConfig):
    name = "bridge"
    verbose_name = _("Bridge")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bridge.signals import reinstall_data_version, withdraw_requests_of_closed_need
        from families.signals import need_status_changed

        need_status_changed.connect(
            withdraw_requests_of_closed_need, dispatch_uid="bridge.withdraw_requests_of_closed_need"
        )
        # A migration that rebuilds a watched table on SQLite drops its triggers; put them back.
        post_migrate.connect(reinstall_data_version, sender=self, dispatch_uid="bridge.reinstall_data_version")
