"""Sending: the ``[email]`` section of ``.streamlit/secrets.toml``, and one attempt to send
a letter, by SMTP or (a dry run) to an ``.eml`` file.

    [email]
    host = "smtp.example.gov.scot"
    port = 587                  # default: 587 for starttls, 465 for ssl, 25 for none
    security = "starttls"       # starttls | ssl | none
    user = "stem-tracker"
    password = "..."
    from = "stem.tracker@gov.scot.example"
    dry_run = "data/outbox"     # optional: write .eml files here instead of sending

An attempt never raises for a refusing or unreachable server: it returns a ``Delivery``
with the outcome and the server's own answer, for the log.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from etl.config import PROJECT_ROOT
from etl.errors import TrackerError
from etl.mail.contacts import valid_address
from etl.mail.letter import Letter

DEFAULT_SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SENT, FAILED, DRY_RUN = "sent", "failed", "dry run"
# CRLF line ends, as SMTP wants; headers folded only past SMTP's limit, since Python's
# folding at 78 moves a long subject whole onto a continuation line that readers keep.
WIRE = policy.SMTP.clone(max_line_length=998)


class MailSettingsError(TrackerError, ValueError):
    """The [email] settings cannot be used; the message names the setting to fix."""


class MailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = ""
    port: int | None = Field(None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password: str | None = Field(None, repr=False)
    from_address: Annotated[str, AfterValidator(valid_address)] = Field(alias="from")
    dry_run: Path | None = None
    dashboard_url: str | None = None  # default: from [auth] redirect_uri, else localhost
    timeout: float = Field(20, gt=0)

    @model_validator(mode="after")
    def _host_unless_dry_run(self) -> MailSettings:
        if not self.host.strip() and self.dry_run is None:
            raise ValueError("host: give the SMTP server's name (or dry_run, a folder)")
        if self.dry_run is not None and not self.dry_run.is_absolute():
            self.dry_run = PROJECT_ROOT / self.dry_run
        return self

    @property
    def server_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def secrets_file() -> Path:
    return Path(os.environ.get("STEM_TRACKER_SECRETS") or DEFAULT_SECRETS_FILE)


def _secrets(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise MailSettingsError(f"{path.name} is not valid TOML: {error}") from None


def load_settings(path: Path | None = None) -> MailSettings | None:
    """The [email] settings, or None when e-mail is not configured."""
    path = path or secrets_file()
    secrets = _secrets(path)
    section = secrets.get("email")
    if section is None:
        return None
    try:
        settings = MailSettings.model_validate(section)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            where = ".".join(str(p) for p in e["loc"]) or "[email]"
            problems.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
        raise MailSettingsError(f"{path.name} [email] " + "; ".join(problems)) from None
    if settings.dashboard_url is None:
        redirect = str(secrets.get("auth", {}).get("redirect_uri", ""))
        base = redirect.removesuffix("/oauth2callback") if redirect else "http://localhost:8501"
        settings.dashboard_url = base
    return settings


def send_a_return_link(settings: MailSettings | None) -> str:
    """The dashboard's Send a return page, for a reminder's link."""
    base = settings.dashboard_url if settings else "http://localhost:8501"
    return base.rstrip("/") + "/upload"


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | failed | dry run
    answer: str  # the SMTP server's answer, or what went wrong, or the file written


def message(letter: Letter, settings: MailSettings) -> EmailMessage:
    """The letter as a MIME message: plain text, with the same words as simple HTML."""
    mail = EmailMessage()
    mail["From"] = settings.from_address
    mail["To"] = ", ".join(letter.to)
    mail["Subject"] = letter.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.from_address.rsplit("@", 1)[1])
    mail.set_content(letter.text)
    mail.add_alternative(letter.html, subtype="html")
    return mail


def deliver(letter: Letter, settings: MailSettings, name: str) -> Delivery:
    """One attempt: by SMTP, or to ``<dry_run>/<name>-….eml``. Never raises for the server."""
    mail = message(letter, settings)
    if settings.dry_run is not None:
        try:
            settings.dry_run.mkdir(parents=True, exist_ok=True)
            path = settings.dry_run / f"{name}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(mail.as_bytes(policy=WIRE))
        except OSError as error:
            return Delivery(FAILED, f"cannot write to {settings.dry_run}: {error.strerror}")
        return Delivery(DRY_RUN, f"written to {path}")
    try:
        return Delivery(SENT, _send(mail, letter.to, settings))
    except smtplib.SMTPRecipientsRefused as error:
        return Delivery(FAILED, "every address refused: " + _refusals(error.recipients))
    except smtplib.SMTPResponseException as error:
        return Delivery(FAILED, f"{error.smtp_code} {_decoded(error.smtp_error)}")
    except (smtplib.SMTPException, OSError) as error:
        where = f"{settings.host}:{settings.server_port}"
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return Delivery(FAILED, f"cannot reach {where}: {reason}")


def _send(mail: EmailMessage, to: tuple[str, ...], settings: MailSettings) -> str:
    """Send through the server step by step, so that its answer to the message is kept."""
    context = ssl.create_default_context()
    port, timeout = settings.server_port, settings.timeout
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        code, reply = smtp.mail(settings.from_address)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, settings.from_address)
        refused = {}
        for address in to:
            code, reply = smtp.rcpt(address)
            if code not in (250, 251):
                refused[address] = (code, reply)
        if len(refused) == len(to):
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = smtp.data(mail.as_bytes(policy=WIRE))
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    answer = f"{code} {_decoded(reply)}"
    return answer + (f"; refused: {_refusals(refused)}" if refused else "")


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _refusals(refused: dict) -> str:
    return ", ".join(f"{a} ({code} {_decoded(reply)})" for a, (code, reply) in refused.items())
