"""Sending through a server that wants STARTTLS, or TLS from the start, and a login (issue 25):
a real aiosmtpd server with a certificate made for the test, trusted through SSL_CERT_FILE as
a council's own certificate authority would be."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from etl.mail.letter import Letter
from etl.mail.smtp import FAILED, SENT, MailSettings, deliver
from tests.mail_server import Inbox, free_port

# The TLS-from-the-start server offers AUTH without STARTTLS, which aiosmtpd warns of.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
USER, PASSWORD = "stem-tracker", "correct horse"
LETTER = Letter(("stem.returns@edinburgh.example",), "A test", ("Hello.",))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Logins:
    """Accepts USER with PASSWORD only, and remembers who logged in."""

    def __init__(self) -> None:
        self.users: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD):  # fmt: skip
            self.users.append(USER)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture(params=["starttls", "ssl"])
def server(request, certificate, monkeypatch):
    """A server that wants the given security, then a login, before it takes any mail."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate
    inbox, logins, port = Inbox(), Logins(), free_port()
    # aiosmtpd offers AUTH "after TLS" only after STARTTLS; a server that speaks TLS from the
    # start is all TLS, so it is told to offer AUTH at once.
    tls = {"ssl_context": context, "auth_require_tls": False} if request.param == "ssl" else {
        "tls_context": context, "require_starttls": True, "auth_require_tls": True}  # fmt: skip
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=logins, auth_required=True, **tls
    )
    controller.start()
    yield request.param, port, inbox, logins
    controller.stop()


def settings(security: str, port: int, password: str = PASSWORD) -> MailSettings:
    return MailSettings.model_validate({
        "host": "127.0.0.1", "port": port, "security": security, "user": USER,
        "password": password, "from": "stem.tracker@gov.scot.example", "timeout": 5,
    })  # fmt: skip


def test_a_letter_goes_through_tls_and_a_login(server):
    security, port, inbox, logins = server
    delivery = deliver(LETTER, settings(security, port), "test")
    assert (delivery.outcome, delivery.answer) == (SENT, "250 Message accepted for delivery")
    assert logins.users == [USER]
    ((to, message),) = inbox.received
    assert to == LETTER.to and message["Subject"] == "A test"


def test_a_wrong_password_fails_with_the_servers_answer_and_sends_nothing(server):
    security, port, inbox, _ = server
    delivery = deliver(LETTER, settings(security, port, "wrong"), "test")
    assert delivery.outcome == FAILED
    assert delivery.answer.startswith("535 ")
    assert inbox.received == []


def test_a_certificate_nobody_vouches_for_is_refused(server, monkeypatch, tmp_path):
    security, port, inbox, _ = server
    (tmp_path / "empty.pem").write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "empty.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    delivery = deliver(LETTER, settings(security, port), "test")
    assert delivery.outcome == FAILED and "CERTIFICATE_VERIFY_FAILED" in delivery.answer
    assert inbox.received == []
