"""The form to make a personal API token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, such as the script or tool that uses it, so you know which to revoke."),
        error_messages={"required": _("Give the token a name.")},
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
