"""A YAML alias bomb ("billion laughs") is refused before it is expanded (issue 25): nine
lines of nested aliases in commitments.yaml, which every backup carries, grew past 2.4 GB."""

from __future__ import annotations

import io
import time

import pytest

from dashboard.auth import RolesFileError, read_roles
from etl.mail.contacts import ContactsFileError, read_contacts
from etl.strategy.errors import StrategyError
from etl.strategy.load import load_strategy

# Each line lists the one above nine times: ten lines stand for 9 ** 10 values.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
    for a, b in zip("abcdefghi", "bcdefghij", strict=True)
)
REFUSED = "the YAML's aliases (*name) stand for more than 1,000,000 values"


def test_an_alias_bomb_in_commitments_yaml_is_refused_at_once(tmp_path):
    path = tmp_path / "commitments.yaml"
    path.write_text(BOMB)
    start = time.perf_counter()
    with pytest.raises(StrategyError) as error:
        load_strategy(path)
    assert time.perf_counter() - start < 1.0
    assert f"commitments.yaml line 1: {REFUSED}" in str(error.value)


@pytest.mark.parametrize(("read", "refusal"), [(read_contacts, ContactsFileError),
                                               (read_roles, RolesFileError)])  # fmt: skip
def test_an_alias_bomb_in_contacts_or_users_is_refused_at_once(read, refusal):
    with pytest.raises(refusal, match=r"stand for more than 1,000,000 values"):
        read(io.StringIO(BOMB))


def test_aliases_that_stand_for_a_few_values_are_read_as_ever(tmp_path):
    text = "contacts:\n  S12000036: &same [a@edinburgh.example]\n  S12000049: *same\n"
    assert read_contacts(io.StringIO(text)) == {
        "S12000036": ("a@edinburgh.example",), "S12000049": ("a@edinburgh.example",)
    }  # fmt: skip
