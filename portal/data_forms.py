"""Forms of the moderators' data pages: upload a file, confirm a previewed import."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.data_uploads import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args, accept: str, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = help_text
        field.widget.attrs.update(
            {
                "accept": accept,
                "data-max-bytes": str(MAX_UPLOAD_BYTES),
                "data-too-large": self.too_large_message(),
            }
        )

    @staticmethod
    def too_large_message(size: int | None = None) -> str:
        limit = filesizeformat(MAX_UPLOAD_BYTES)
        if size is None:
            return str(_("This file is too large: the largest file you can upload is %(limit)s.") % {"limit": limit})
        return str(
            _("This file is %(size)s: the largest file you can upload is %(limit)s.")
            % {"size": filesizeformat(size), "limit": limit}
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.too_large_message(upload.size), code="too_large")
        return upload


class ConfirmForm(forms.Form):
    """The fingerprint of the previewed changes: the import stops when they are not what will happen."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
