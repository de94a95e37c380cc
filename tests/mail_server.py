"""A real SMTP server in the test process (aiosmtpd), and the files that point the
tracker at it: ``[email]`` settings and a contacts file, through the environment."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

EDINBURGH, GLASGOW, ABERDEEN = "S12000036", "S12000049", "S12000033"
CONTACTS = """
contacts:
  S12000036: [stem.returns@edinburgh.example]
  S12000049: [returns@glasgow.example, data.team@glasgow.example]
"""


def free_port() -> int:
    """A port nobody listens on (once closed): a server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the server received; ``refuse`` makes it refuse every message with that answer."""

    def __init__(self) -> None:
        self.received: list[tuple[tuple[str, ...], EmailMessage]] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return self.refuse
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def htmls(self) -> list[str]:
        return [m.get_body(("html",)).get_content() for _, m in self.received]


def plain_text(message: EmailMessage) -> str:
    """A message's plain-text part, with the line ends the tracker wrote."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


class MailServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def settings_text(port: int, extra: str = "") -> str:
    return (
        f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'from = "stem.tracker@gov.scot.example"\ntimeout = 5\n'
        f'dashboard_url = "https://tracker.example"\n{extra}'
    )


@pytest.fixture
def mail_server(tmp_path, monkeypatch):
    """A running SMTP server, with the tracker's settings and contacts pointing at it."""
    server = MailServer(free_port()).start()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(settings_text(server.port))
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(CONTACTS)
    monkeypatch.setenv("STEM_TRACKER_SECRETS", str(secrets))
    monkeypatch.setenv("STEM_TRACKER_CONTACTS", str(contacts))
    yield server
    server.stop()


def point_at(path: Path, port: int, extra: str = "") -> None:
    """Rewrite the settings file: another port (a server that is down), or a dry run."""
    path.write_text(settings_text(port, extra))
