from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete

        from portal import lookups
        from portal.signals import forget_deleted_user, two_factor_state_after_change, two_factor_state_at_login

        lookups.register()

        user_logged_in.connect(two_factor_state_at_login, dispatch_uid="portal.two_factor_state_at_login")
        for name in ("authenticator_added", "authenticator_removed", "authenticator_reset"):
            getattr(mfa, name).connect(two_factor_state_after_change, dispatch_uid=f"portal.two_factor_state.{name}")
        pre_delete.connect(
            forget_deleted_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal.forget_deleted_user"
        )
