"""Receivers for account security and privacy.

At login, and when the signed-in user adds, removes or resets an authenticator through
allauth, the session's two-factor state (portal.security) is computed afresh, so removing TOTP
brings the requirement back at once. Before any user is deleted, they are taken out of the
audit trail (portal.privacy.forget_user).
"""

from django.http import HttpRequest

from portal.privacy import forget_user
from portal.security import remember_two_factor_state


def two_factor_state_at_login(sender, *, request: HttpRequest | None, user, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_logged_in."""
    if request is not None:
        remember_two_factor_state(request, user)


def two_factor_state_after_change(sender, *, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    """Receiver of allauth.mfa's authenticator_added, _removed and _reset."""
    if request is not None and user is not None and getattr(request, "user", None) == user:
        remember_two_factor_state(request, user)


def forget_deleted_user(sender, *, instance, **kwargs) -> None:
    """Receiver of pre_delete for the user model."""
    forget_user(instance)
