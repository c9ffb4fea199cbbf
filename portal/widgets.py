"""Form widgets that write their markup in Python: the directory's filter form, the matching
page's "ask this partner" forms.

Django renders every `<option>` of a select, and every input, through templates; for the
directory's filter form, and the matching page's ten forms, that was a large part of the page's
time. These widgets produce the same bytes as the stock ones (tests/welfare/directory/test_widgets.py
compares them), with the same escaping rules as the templates: values and labels are escaped
unless already marked safe.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime


def _text(value) -> str:
    """`{{ value }}` in a template."""
    return conditional_escape(localize(template_localtime(value)))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 (as the filter does)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html: one checkbox or radio button of a group."""
    if not widget["wrap_label"]:
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)}\n {_text(widget['label'])}</label>"


INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html" for name in ("input", "text", "search", "number", "email", "checkbox")
}


class PlainInputMixin:
    """An `<input>` written in Python; a template other than Django's own is still rendered."""

    def _render(self, template_name, context, renderer=None):
        if template_name in INPUT_TEMPLATES:
            return mark_safe(_input(context["widget"]))
        return super()._render(template_name, context, renderer)


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainNumberInput(PlainInputMixin, forms.NumberInput):
    pass


class PlainCheckboxInput(PlainInputMixin, forms.CheckboxInput):
    pass


class PlainTextarea(forms.Textarea):
    """A `<textarea>` written in Python (django/forms/widgets/textarea.html)."""

    def _render(self, template_name, context, renderer=None):
        if template_name != "django/forms/widgets/textarea.html":
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        value = _text(widget["value"]) if widget["value"] else ""
        return mark_safe(f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>')


class PlainCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose options (`{{ choice.tag }}`, `{{ choice }}`) are written in Python."""

    def _render(self, template_name, context, renderer=None):
        if template_name == "django/forms/widgets/checkbox_option.html":
            return mark_safe(_input_option(context["widget"]))
        return super()._render(template_name, context, renderer)


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than one template each."""

    def _render(self, template_name, context, renderer=None):
        if template_name != "django/forms/widgets/select.html":
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            parts.extend(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


def datalist_options(values) -> SafeString:
    """`<option value="…"></option>` for each value, for a `<datalist>` of suggestions."""
    return format_html_join("", '<option value="{}"></option>', ((value,) for value in values))
