"""Roles file and identity: who may send returns for which authority."""

from __future__ import annotations

import io
import re

import pytest

from dashboard import auth
from etl.councils import NATIONAL_CODE

EDINBURGH, GLASGOW = "S12000036", "S12000049"

ROLES_FILE = """
users:
  Boss@Gov.Scot.example: {role: administrator, name: The Boss}
  policy@gov.scot.example: policy_officer
  officer@edinburgh.example: {role: council_uploader, authority: s12000036}
  reader@gov.scot.example: {role: viewer}
"""


def roles(text: str = ROLES_FILE) -> dict[str, auth.User]:
    return auth.read_roles(io.StringIO(text)).users


def test_roles_file_maps_email_to_role_and_council():
    users = roles()
    officer = users["officer@edinburgh.example"]
    assert officer.roles == {auth.COUNCIL_UPLOADER}
    assert officer.authority_code == EDINBURGH
    assert users["boss@gov.scot.example"].name == "The Boss"  # e-mail keys are lower-cased


def test_council_uploader_may_send_only_for_own_council():
    officer = roles()["officer@edinburgh.example"]
    assert officer.can_upload and not officer.can_administer
    assert officer.may_submit_for(EDINBURGH)
    assert not officer.may_submit_for(GLASGOW)
    assert not officer.may_submit_for(NATIONAL_CODE)
    assert officer.authorities() == [EDINBURGH]


def test_policy_officer_and_administrator_send_for_anyone_viewer_for_nobody():
    users = roles()
    for email in ("policy@gov.scot.example", "boss@gov.scot.example"):
        assert users[email].may_submit_for(GLASGOW)
        assert users[email].may_submit_for(NATIONAL_CODE)
        assert len(users[email].authorities()) == 33
    assert users["boss@gov.scot.example"].can_administer
    assert not users["policy@gov.scot.example"].can_administer
    reader = users["reader@gov.scot.example"]
    assert not reader.can_upload and reader.authorities() == []


def test_local_user_has_every_role():
    assert auth.LOCAL_USER.roles == set(auth.ROLES)
    assert auth.LOCAL_USER.can_administer and auth.LOCAL_USER.may_submit_for(NATIONAL_CODE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("users: [a, b]", "users.yaml must have a `users:` mapping of e-mail → role"),
        (
            "users: {a@b.example: {role: boss}}",
            'users.yaml: a@b.example: role "boss" is not one of administrator, policy_officer, council_uploader, viewer',
        ),
        (
            "users: {a@b.example: council_uploader}",
            "users.yaml: a@b.example: a council uploader needs `authority:` (a council's code)",
        ),
        (
            "users: {a@b.example: {role: council_uploader, authority: S92000003}}",
            "users.yaml: a@b.example: a council uploader needs `authority:` (a council's code)",
        ),
        (
            "users: {a@b.example: {role: council_uploader, authority: S99}}",
            'users.yaml: a@b.example: authority "S99" is not a council code like S12000036',
        ),
        ("users: {a: [", "users.yaml is not valid YAML"),
    ],
)
def test_broken_roles_file_names_the_entry_and_the_fix(text, message):
    with pytest.raises(auth.RolesFileError) as error:
        roles(text)
    assert str(error.value).startswith(message)


def test_every_problem_is_reported_at_once():
    text = "users: {a@b.example: {role: boss}, c@d.example: council_uploader}"
    with pytest.raises(auth.RolesFileError) as error:
        roles(text)
    assert "a@b.example" in str(error.value) and "c@d.example" in str(error.value)


ISSUER = "https://login.microsoftonline.com/7e57-tenant/v2.0"
TRUSTED = f"""
sign_in: {{issuer: "{ISSUER}/", tenant: 7E57-TENANT}}
users:
  boss@gov.scot.example: {{role: administrator, oid: 0b0e-55}}
  officer@edinburgh.example: {{role: council_uploader, authority: s12000036}}
  reader@gov.scot.example: viewer
"""
HOME = {"iss": ISSUER, "tid": "7e57-tenant"}


def who(claims: dict) -> auth.User | None:
    return auth.user_from_claims({**HOME, **claims}, auth.read_roles(io.StringIO(TRUSTED)))


def test_claims_find_the_listed_person_by_email_or_username_case_insensitively():
    user = who({"email": "OFFICER@edinburgh.example", "name": "Ada"})
    assert user.name == "Ada" and user.authority_code == EDINBURGH
    # Entra ID may send only preferred_username (the user principal name).
    assert who({"preferred_username": "reader@gov.scot.example"}).roles == {auth.VIEWER}
    assert who({"email": "stranger@example.com"}) is None


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "https://evil.example/"}, "came from https://evil.example, which this dashboard"),
        ({"iss": None}, "came from an unnamed issuer"),
        ({"tid": "another-tenant"}, "another organisation (Entra ID tenant)"),
        ({"tid": None}, "another organisation (Entra ID tenant)"),
        ({"email_verified": False}, "has not verified the address officer@edinburgh.example"),
        ({"email_verified": "false"}, "has not verified the address"),
    ],
)
def test_a_forged_or_unverified_sign_in_is_refused_whoever_it_names(claims, reason):
    with pytest.raises(auth.SignInRefused, match=re.escape(reason)):
        who({"email": "officer@edinburgh.example", **claims})


def test_a_person_named_by_a_stable_subject_is_found_by_it_not_by_the_address():
    assert who({"oid": "0b0e-55", "email": "anything@else.example"}).roles == {auth.ADMINISTRATOR}
    # Someone who set their address to the administrator's is not the administrator.
    assert who({"oid": "someone-else", "email": "boss@gov.scot.example"}) is None
    assert who({"email": "boss@gov.scot.example", "email_verified": True}) is None


def test_sign_in_without_an_issuer_in_the_roles_file_lets_nobody_in():
    with pytest.raises(auth.RolesFileError, match="users.yaml needs `sign_in: issuer:`"):
        auth.user_from_claims({**HOME, "email": "reader@gov.scot.example"}, auth.read_roles(
            io.StringIO(ROLES_FILE)))  # fmt: skip


def test_the_example_roles_file_in_the_repository_is_valid():
    found = auth.load_roles(auth.DEFAULT_USERS_FILE)
    users = [*found.users.values(), *found.by_subject.values()]
    assert {r for u in users for r in u.roles} == set(auth.ROLES)
    assert found.issuer and found.tenant


def test_missing_roles_file_says_what_to_do(tmp_path):
    with pytest.raises(auth.RolesFileError, match="there is no roles file at .*users.yaml"):
        auth.load_roles(tmp_path / "users.yaml")


@pytest.mark.parametrize(
    ("ip", "local"), [(None, True), ("127.0.0.1", True), ("::1", True), ("10.0.0.7", False)]
)
def test_local_mode_answers_only_this_computer(ip, local):
    assert auth.is_local_connection(ip) is local


@pytest.mark.parametrize(
    ("headers", "local"),
    [
        ({}, True),  # AppTest: no request at all
        ({"Host": "localhost:8501"}, True),
        ({"Host": "127.0.0.1:8501"}, True),
        ({"Host": "[::1]:8501"}, True),
        ({"Host": "LOCALHOST."}, True),
        ({"Host": "evil.example:8501"}, False),  # DNS rebinding: another site's name
        ({"Host": "localhost.evil.example"}, False),
        ({"Host": "127.0.0.1.nip.io:8501"}, False),
        ({"Host": "localhost:8501@evil.example"}, False),
        ({"Host": "localhost:8501", "X-Forwarded-For": "127.0.0.1"}, False),  # via a proxy
        ({"Host": "localhost:8501", "Forwarded": "for=127.0.0.1"}, False),
        ({"User-Agent": "curl"}, False),  # a real request with no Host
    ],
)
def test_local_mode_answers_only_to_this_computers_own_names(headers, local):
    assert auth.is_local_request(headers) is local


def test_the_server_enforces_the_upload_limit_and_keeps_xsrf_protection():
    import tomllib

    from dashboard import upload_view
    from etl.config import PROJECT_ROOT

    with open(PROJECT_ROOT / ".streamlit" / "config.toml", "rb") as f:
        server = tomllib.load(f)["server"]
    assert server["maxUploadSize"] == upload_view.MAX_UPLOAD_MB
    assert server["enableXsrfProtection"] and server["enableCORS"]
