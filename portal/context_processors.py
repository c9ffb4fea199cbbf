from django.http import HttpRequest

from portal.roles import current_role


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's role decides which navigation the base layout shows."""
    return {"role": current_role(request)}
