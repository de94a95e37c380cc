"""Roles file and identity: who may send returns for which authority."""

from __future__ import annotations

import io

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
    return auth.read_roles(io.StringIO(text))


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


def test_claims_find_the_listed_person_by_email_or_username_case_insensitively():
    users = roles()
    user = auth.user_from_claims({"email": "OFFICER@edinburgh.example", "name": "Ada"}, users)
    assert user.name == "Ada" and user.authority_code == EDINBURGH
    # Entra ID may send only preferred_username (the user principal name).
    assert auth.user_from_claims({"preferred_username": "reader@gov.scot.example"}, users)
    assert auth.user_from_claims({"email": "stranger@example.com"}, users) is None


def test_the_example_roles_file_in_the_repository_is_valid():
    users = auth.load_roles(auth.DEFAULT_USERS_FILE)
    assert {r for u in users.values() for r in u.roles} == set(auth.ROLES)


def test_missing_roles_file_says_what_to_do(tmp_path):
    with pytest.raises(auth.RolesFileError, match="there is no roles file at .*users.yaml"):
        auth.load_roles(tmp_path / "users.yaml")


@pytest.mark.parametrize(
    ("ip", "local"), [(None, True), ("127.0.0.1", True), ("::1", True), ("10.0.0.7", False)]
)
def test_local_mode_answers_only_this_computer(ip, local):
    assert auth.is_local_connection(ip) is local
