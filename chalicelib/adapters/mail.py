"""Sending mail: Resend in production, an outbox folder locally and in tests.

`ResendMailer` takes the `resend` module itself so tests can point its `api_url` at a local
server that speaks Resend's API. The module is imported only when a mail is sent.
"""

import functools
import json
import os
import uuid

from chalicelib.core import clock, logs
from chalicelib.core.settings import get_settings


class OutboxMailer:
    """Writes each mail as a JSON file and prints where it went (never the address)."""

    def __init__(self, folder, echo=True):
        self.folder = folder
        self.echo = echo

    def send(self, *, to, subject, text, html, link=None):
        os.makedirs(self.folder, exist_ok=True)
        name = f"{clock.now():.6f}-{uuid.uuid4().hex[:8]}.json"
        path = os.path.join(self.folder, name)
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump({"to": to, "subject": subject, "text": text, "html": html,
                       "link": link}, handle)
        os.replace(path + ".tmp", path)  # readers never see half a mail
        if self.echo:
            print(f"[outbox] {subject}: {link or ''} ({path})", flush=True)
        return name


class ResendMailer:
    def __init__(self, resend_module, sender):
        self.resend = resend_module
        self.sender = sender

    def send(self, *, to, subject, text, html, link=None):
        sent = self.resend.Emails.send({"from": self.sender, "to": [to], "subject": subject,
                                        "text": text, "html": html})
        return sent["id"]


@functools.lru_cache(maxsize=1)
def get_mailer():
    settings = get_settings()
    if settings.resend_api_key:
        import resend  # a cold start skips the SDK until a mail is sent

        resend.api_key = settings.resend_api_key
        if settings.resend_api_url:
            resend.api_url = settings.resend_api_url
        return ResendMailer(resend, settings.mail_from)
    if settings.stage == "prod":
        raise RuntimeError("prod needs RESEND_API_KEY to send sign-in links")
    return OutboxMailer(settings.outbox_dir, echo=settings.stage == "local")


def send(**message):
    mail_id = get_mailer().send(**message)
    logs.event("mail_sent", kind=message.get("subject", "")[:40], mail_id=str(mail_id)[:64])
    return mail_id
