from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.navigation import main_nav
from portal.roles import current_role


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's role decides which navigation the base layout shows."""
    role = current_role(request)
    return {"role": role, "main_nav": SimpleLazyObject(lambda: main_nav(request, role))}
