"""Form widgets that write their markup in Python: the directory's filter form, the matching
page's "ask this partner" forms.

Django renders every `<option>` of a select, and every input, through templates; for the
directory's filter form, and the matching page's ten forms, that was a large part of the page's
time. These widgets produce the same bytes as the stock ones (tests/welfare/directory/test_widgets.py
compares them), with the same escaping rules as the templates: values and labels are escaped
unless already marked safe.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
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
    """`<option value="…"></option>` for each value, for a `<datalist>` of suggestions: hundreds of
    municipalities on every directory page, so escaped directly rather than through format_html."""
    return mark_safe("".join(f'<option value="{escape(str(value))}"></option>' for value in values))  # noqa: S308


FIELD_TEMPLATE = "django/forms/field.html"
LABEL_TEMPLATE = "django/forms/label.html"


class PlainFormRenderer(DjangoTemplates):
    """Django's form renderer, with a field's group (label, help text, errors and widget) and its
    label written in Python: `{{ form.field.as_field_group }}` went through three templates per
    field. Any other template, and a field or form that names its own, is rendered as usual.
    tests/portal/test_form_renderer.py compares both renderers on the portal's forms."""

    def render(self, template_name, context, request=None):
        # Like BaseRenderer.render, the markup comes without the whitespace around it.
        if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            return _field_group(context["field"]).strip()
        if template_name == LABEL_TEMPLATE:
            return _label(context)
        return super().render(template_name, context, request=request)


def _field_group(field) -> str:
    """django/forms/field.html."""
    if field.use_fieldset:
        described = field.aria_describedby
        aria = f' aria-describedby="{_text(described)}"' if described else ""
        parts = [f"\n  <fieldset{aria}>\n  ", field.legend_tag() if field.label else "", "\n"]
    else:
        parts = ["\n  ", field.label_tag() if field.label else "", "\n"]
    parts.append("\n")
    if field.help_text:
        target = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(f'<div class="helptext"{target}>{field.help_text}</div>')
    parts.extend(["\n", str(field.errors), "\n", str(field), "</fieldset>" if field.use_fieldset else "", "\n"])
    return "".join(parts)


def _label(context: dict) -> str:
    """django/forms/label.html."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label.strip()
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"
