"""Sign-in mail through the real `resend` SDK, against a local server that speaks its API."""

import pytest
import resend

from chalicelib.adapters.mail import OutboxMailer, ResendMailer
from devtools.fakes.resend_api import API_KEY, resend_server


@pytest.fixture
def resend_module(monkeypatch):
    with resend_server() as server:
        monkeypatch.setattr(resend, "api_url", server.url)
        monkeypatch.setattr(resend, "api_key", API_KEY)
        yield resend, server


def test_the_resend_adapter_sends_through_the_sdk(resend_module):
    module, server = resend_module
    mailer = ResendMailer(module, "Caaartoons <signin@cartoons.example>")
    mail_id = mailer.send(to="ada@example.com", subject="Your link", text="Open it",
                          html="<p>Open it</p>", link="https://x/confirm.html#token=abc")
    assert len(mail_id) == 36
    (request,) = server.requests
    assert request.path == "/emails"
    assert request.json["to"] == ["ada@example.com"]
    assert request.json["from"] == "Caaartoons <signin@cartoons.example>"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


def test_a_refused_key_raises_a_resend_error(resend_module):
    module, _ = resend_module
    module.api_key = "re_wrong"
    with pytest.raises(resend.exceptions.ResendError):
        ResendMailer(module, "a@b.example").send(to="ada@example.com", subject="s", text="t",
                                                 html="<p>t</p>")


def test_the_sign_in_route_mails_through_resend_when_a_key_is_set(app, client, resend_module,
                                                                  monkeypatch):
    from chalicelib.adapters import mail

    module, server = resend_module
    monkeypatch.setattr(mail, "get_mailer", lambda: ResendMailer(module, "s@cartoons.example"))
    assert client.request_link("ada@example.com").status == 202
    (request,) = server.requests
    assert "https://caaartoons.test/confirm.html#token=" in request.json["text"]


def test_the_outbox_writes_whole_mails(tmp_path):
    OutboxMailer(str(tmp_path), echo=False).send(to="a@example.com", subject="s", text="t",
                                                 html="h", link="l")
    (path,) = tmp_path.glob("*.json")
    assert '"to": "a@example.com"' in path.read_text()
