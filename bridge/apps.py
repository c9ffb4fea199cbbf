from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgeConfig(AppConfig):
    name = "bridge"
    verbose_name = _("Bridge")

    def ready(self) -> None:
        from bridge.signals import withdraw_requests_of_closed_need
        from families.signals import need_status_changed

        need_status_changed.connect(
            withdraw_requests_of_closed_need, dispatch_uid="bridge.withdraw_requests_of_closed_need"
        )
