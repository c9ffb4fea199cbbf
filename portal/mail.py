"""E-mail from the portal: rendered from templates in Dutch (HTML and text), sent by a task
that is enqueued only when the transaction that caused it commits."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task()
def send_templated_mail(*, template: str, to: list[str], context: dict, language: str = "nl-be") -> None:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` and send them."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=f"[Brugwijzer] {subject}", body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def notify(*, template: str, to: list[str], context: dict | None = None) -> None:
    """Send after commit; `context` holds plain values only (it travels through the task queue)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(lambda: send_templated_mail.enqueue(template=template, to=recipients, context=context or {}))


def absolute(path: str) -> str:
    return settings.SITE_URL + path
