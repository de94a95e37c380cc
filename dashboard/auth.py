"""Who is using the dashboard and what they may do.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` people sign in with
``st.login`` (OpenID Connect, e.g. Microsoft Entra ID) and their role comes from
the roles file the administrator keeps (``users.yaml``: the issuer and tenant
whose sign-ins count, then each person by the provider's stable subject or a
verified e-mail → role, and the authority code for council uploaders). Without
it the app runs in *local mode*: one person on this computer with every role,
refused to anyone connecting from another machine or calling this one by another
name (DNS rebinding), because nobody has proved who they are.

The roles decide which pages are offered; the back end (``etl.returns``) checks
the same identity again on every ingest, whatever a page shows.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import yaml

from dashboard.format import plain
from etl.config import PROJECT_ROOT
from etl.councils import NATIONAL_CODE, authorities, council_name
from etl.errors import TrackerError
from etl.returns import Submitter
from etl.returns.permissions import may_send
from etl.strategy import yamlfile

ADMINISTRATOR = "administrator"
POLICY_OFFICER = "policy_officer"
COUNCIL_UPLOADER = "council_uploader"
VIEWER = "viewer"
ROLES = (ADMINISTRATOR, POLICY_OFFICER, COUNCIL_UPLOADER, VIEWER)
ROLE_NAMES = {
    ADMINISTRATOR: "Administrator",
    POLICY_OFFICER: "Policy officer",
    COUNCIL_UPLOADER: "Council uploader",
    VIEWER: "Viewer",
}
DEFAULT_USERS_FILE = PROJECT_ROOT / "users.yaml"
LOCAL_EMAIL = "local user"


class RolesFileError(TrackerError, ValueError):
    """The roles file cannot be read; the message names the entry and the fix."""


@dataclass(frozen=True)
class User:
    email: str
    name: str
    roles: frozenset[str]
    authority_code: str | None = None  # council uploaders only
    local: bool = False  # local mode: nobody signed in

    @property
    def can_upload(self) -> bool:
        return bool(self.roles & {ADMINISTRATOR, POLICY_OFFICER, COUNCIL_UPLOADER})

    @property
    def can_administer(self) -> bool:
        return ADMINISTRATOR in self.roles

    @property
    def can_chase(self) -> bool:
        """Policy officers and administrators remind councils by e-mail and see what was sent."""
        return bool(self.roles & {ADMINISTRATOR, POLICY_OFFICER})

    @property
    def any_authority(self) -> bool:
        """Administrators and policy officers send for any council and national figures."""
        return bool(self.roles & {ADMINISTRATOR, POLICY_OFFICER})

    def may_submit_for(self, authority_code: str) -> bool:
        """The validator's own rule (etl.returns.permissions.may_send), for this person."""
        return may_send(submitter(self), authority_code)

    def authorities(self) -> list[str]:
        """The authority codes this person may send returns for: councils A to Z, then Scotland."""
        found = [a for a in authorities() if self.may_submit_for(a.code)]
        return [a.code for a in sorted(found, key=lambda a: (a.kind == "national", a.name))]

    @property
    def role_text(self) -> str:
        if self.local:
            return "every role (local mode)"
        words = [ROLE_NAMES[r] for r in ROLES if r in self.roles]
        text = ", ".join(words)
        if self.authority_code:
            text += f" for {council_name(self.authority_code)}"
        return text


def submitter(user: User) -> Submitter:
    """The identity the back end checks every file against, whatever the page offered."""
    name = f"{getpass.getuser()} (local mode)" if user.local else user.email
    if user.any_authority:
        return Submitter(name, authorities=None, national=True)
    own = frozenset({user.authority_code}) if COUNCIL_UPLOADER in user.roles else frozenset()
    return Submitter(name, authorities=own, national=False)


LOCAL_USER = User(email=LOCAL_EMAIL, name="Local user", roles=frozenset(ROLES), local=True)


@dataclass(frozen=True)
class Roles:
    """The roles file: whose sign-ins count, and each person's role.

    A person is found by the provider's stable subject when their entry gives one
    (``oid:`` for Entra ID, else ``sub:``), otherwise by verified e-mail address."""

    users: dict[str, User]  # e-mail (lower case) → User, for entries without a subject
    by_subject: dict[tuple[str, str], User]  # ("oid" or "sub", its value) → User
    issuer: str | None = None  # the `iss` every sign-in must carry
    tenant: str | None = None  # Entra ID: the `tid` every sign-in must carry


SUBJECT_CLAIMS = ("oid", "sub")


def read_roles(stream: IO[str] | IO[bytes], name: str = "users.yaml") -> Roles:
    """Parse a roles file; raise RolesFileError on any problem.

    Every problem is collected so the administrator fixes the file in one go.
    """
    try:
        document = yamlfile.safe_load(stream) or {}
    except (yaml.YAMLError, yamlfile.YamlSyntaxError) as error:
        raise RolesFileError(f"{name} is not valid YAML: {error}") from None
    entries = document.get("users") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise RolesFileError(f"{name} must have a `users:` mapping of e-mail → role")
    sign_in = document.get("sign_in") or {}
    if not isinstance(sign_in, dict):
        raise RolesFileError(f"{name}: `sign_in:` must be a mapping with `issuer:` (and `tenant:`)")
    users, by_subject, problems = {}, {}, []
    for email, entry in entries.items():
        entry = {"role": entry} if isinstance(entry, str) else entry or {}
        user, problem = _entry(str(email), entry)
        if problem:
            problems.append(f"{email}: {problem}")
            continue
        subjects = [
            (claim, str(entry[claim]).strip()) for claim in SUBJECT_CLAIMS if entry.get(claim)
        ]
        for subject in subjects:
            by_subject[subject] = user
        if not subjects:  # an entry with a subject is found by it alone, never by address
            users[user.email] = user
    if problems:
        raise RolesFileError(f"{name}: " + "; ".join(problems))
    issuer = str(sign_in.get("issuer") or "").strip().rstrip("/") or None
    tenant = str(sign_in.get("tenant") or "").strip().lower() or None
    return Roles(users, by_subject, issuer, tenant)


def _entry(email: str, entry: dict) -> tuple[User | None, str | None]:
    """One person's entry as a User, or what is wrong with it."""
    role = str(entry.get("role", "")).strip().lower().replace(" ", "_")
    code = str(entry.get("authority", "") or "").strip().upper() or None
    if role not in ROLES:
        return None, f'role "{role}" is not one of {", ".join(ROLES)}'
    if role == COUNCIL_UPLOADER and (code is None or code == NATIONAL_CODE):
        return None, "a council uploader needs `authority:` (a council's code)"
    if code is not None and code not in {a.code for a in authorities()}:
        return None, f'authority "{code}" is not a council code like S12000036'
    key = email.strip().lower()
    return User(
        email=key,
        name=str(entry.get("name") or key),
        roles=frozenset({role}),
        authority_code=code if role == COUNCIL_UPLOADER else None,
    ), None


def users_file() -> Path:
    return Path(os.environ.get("STEM_TRACKER_USERS") or DEFAULT_USERS_FILE)


def load_roles(path: Path | None = None) -> Roles:
    path = path or users_file()
    try:
        with open(path, encoding="utf-8") as f:
            return read_roles(f, path.name)
    except FileNotFoundError:
        raise RolesFileError(
            f"there is no roles file at {path}: copy users.yaml there and list who may sign in"
        ) from None


class SignInRefused(TrackerError, ValueError):
    """A sign-in this dashboard does not accept, whoever it names; the message says why."""


def user_from_claims(claims: dict, roles: Roles) -> User | None:
    """The signed-in person's User; None if unlisted. Raise SignInRefused for a sign-in from
    another issuer or tenant, and RolesFileError when the file names no issuer.

    An e-mail address counts only when the provider does not say it is unverified, and a
    person whose entry gives a subject (``oid``/``sub``) is found by that alone: an
    address is something many providers let a person set for themselves."""
    if roles.issuer is None:
        raise RolesFileError(
            "sign-in is configured, so users.yaml needs `sign_in: issuer:`, the identity "
            "provider whose sign-ins are accepted (see the README's Entra ID set-up)"
        )
    issuer = str(claims.get("iss") or "").strip().rstrip("/")
    if issuer != roles.issuer:
        raise SignInRefused(
            f"your sign-in came from {issuer or 'an unnamed issuer'}, "
            "which this dashboard does not accept"
        )
    if roles.tenant and str(claims.get("tid") or "").strip().lower() != roles.tenant:
        raise SignInRefused(
            "your sign-in came from another organisation (Entra ID tenant) than the one "
            "this dashboard accepts"
        )
    listed = next(
        (roles.by_subject[(claim, str(claims[claim]))] for claim in SUBJECT_CLAIMS
         if claims.get(claim) and (claim, str(claims[claim])) in roles.by_subject),
        None,
    )  # fmt: skip
    if listed is None:
        email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
        if email in roles.users and claims.get("email_verified", True) not in (True, "true"):
            raise SignInRefused(f"your identity provider has not verified the address {email}")
        listed = roles.users.get(email)
    if listed is None:
        return None
    name = claims.get("name") or listed.name
    return User(listed.email, str(name), listed.roles, listed.authority_code)


def is_local_connection(ip_address: object) -> bool:
    """Streamlit reports no address for a browser on this computer (and AppTest has no peer)."""
    return not isinstance(ip_address, str) or ip_address in {"127.0.0.1", "::1", "localhost"}


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Headers a proxy adds: a browser never sends them itself, so a request carrying one came
# through another program, and where it came from cannot be known.
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")


def is_local_request(headers: Mapping[str, str]) -> bool:
    """Whether a request names this computer as its Host and came through no proxy.

    Another website can point its own name at 127.0.0.1 (DNS rebinding): the browser
    then connects from this computer, but sends that name as the Host. AppTest sends
    no headers at all."""
    found = {name.lower(): value for name, value in headers.items()}
    if any(name in found for name in PROXY_HEADERS):
        return False
    host = found.get("host")
    if host is None:
        return not found  # no request at all (AppTest); a real one always names its Host
    try:
        name = urlsplit(f"//{host}").hostname
    except ValueError:
        return False
    return name is not None and name.rstrip(".") in LOCAL_HOSTS


# --- Streamlit: the only part of this module that touches st -----------------------------


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for st.login."""
    import streamlit as st

    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local mode
        return False


def current_user() -> User | None:
    """The person using this session, or None when sign-in is configured and nobody is signed in.

    Raises RolesFileError when the roles file is broken, so nobody gets the wrong role.
    """
    import streamlit as st

    if not sign_in_configured():
        return LOCAL_USER
    if not st.user.get("is_logged_in", False):
        return None
    return user_from_claims(st.user.to_dict(), load_roles()) or User(
        email=str(st.user.get("email") or ""),
        name=str(st.user.get("name") or st.user.get("email") or ""),
        roles=frozenset(),
    )


def require_user() -> User:
    """Show the sign-in screen (and stop) unless someone with a role is using the app."""
    import streamlit as st

    try:
        user = current_user()
    except RolesFileError as error:
        st.error(f"The dashboard's roles file has a problem, so nobody can sign in: {plain(error)}")
        st.stop()
    except SignInRefused as error:
        st.title("STEM Strategy Tracker")
        st.error(
            f"This sign-in is not accepted: {plain(error)}. Sign in with your organisation's "
            "account."
        )
        if st.button("Sign out"):
            st.logout()
        st.stop()
    if user is None:
        st.title("STEM Strategy Tracker")
        st.write("Sign in with your organisation's account to see the dashboard.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    if user.local and not (
        is_local_connection(st.context.ip_address) and is_local_request(st.context.headers)
    ):
        st.error(
            "This dashboard is in local mode (nobody signs in), so it only answers on the "
            "computer it runs on, at http://localhost. Configure sign-in (see the README) to "
            "share it."
        )
        st.stop()
    if not user.roles:
        st.title("STEM Strategy Tracker")
        st.warning(
            f"You are signed in as {user.email}, but you have no role in this dashboard yet. "
            "Ask its administrator to add you to the roles file."
        )
        if st.button("Sign out"):
            st.logout()
        st.stop()
    st.session_state[USER_KEY] = user
    return user


USER_KEY = "_user"


def page_user() -> User:
    """The person streamlit_app.py let in (pages run only after require_user())."""
    import streamlit as st

    return st.session_state[USER_KEY]


def show_account(user: User) -> None:
    """Who is signed in, in the sidebar, and the local-mode banner on every page."""
    import streamlit as st

    if user.local:
        st.info(
            "**Local mode**: nobody signs in and you have every role, so this dashboard only "
            "answers on this computer (localhost). To share it, configure sign-in: add an "
            "`[auth]` section to `.streamlit/secrets.toml` (see `.streamlit/secrets.example."
            "toml`) and list people in `users.yaml`, as the README's *Signing in and roles* "
            "explains.",
            icon=":material/lock_open:",
        )
        return
    with st.sidebar:
        st.caption(f"Signed in as **{plain(user.name)}** ({plain(user.email)}): {user.role_text}")
        if st.button("Sign out", key="sign_out"):
            st.logout()


def pages(user: User) -> list:
    """The returns pages this person may open (none for a viewer)."""
    import streamlit as st

    here = Path(__file__).resolve().parent / "app_pages"
    found = []
    if user.can_upload:
        found.append(
            st.Page(here / "upload.py", title="Send a return", icon=":material/upload_file:")
        )
    if user.can_administer:
        found.append(st.Page(here / "admin.py", title="All submissions", icon=":material/history:"))
        found.append(st.Page(here / "releases.py", title="Releases", icon=":material/public:"))
    return found
