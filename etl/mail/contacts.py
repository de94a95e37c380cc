"""Who at each council receives reminders and receipts: ``contacts.yaml`` beside
``users.yaml`` (or the file named by ``$STEM_TRACKER_CONTACTS``).

    contacts:
      S12000036:                      # City of Edinburgh
        - stem.returns@edinburgh.example
      S12000049: [returns@glasgow.example, data.team@glasgow.example]

A broken file is refused whole, naming the entry to fix, rather than send to half of
it. A missing file means no council has a contact yet (each is listed as such).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from etl.config import PROJECT_ROOT
from etl.councils import authorities
from etl.errors import TrackerError
from etl.strategy import yamlfile

DEFAULT_CONTACTS_FILE = PROJECT_ROOT / "contacts.yaml"
# Plain ASCII addresses: what every SMTP server accepts, and nothing a header could hide in.
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


class ContactsFileError(TrackerError, ValueError):
    """The contacts file cannot be used; the message names the entry and the fix."""


def valid_address(text: str) -> str:
    text = text.strip()
    if not ADDRESS.fullmatch(text):
        raise ValueError(f'"{text}" is not an e-mail address like name@council.gov.uk')
    return text.lower()


def _council(code: str) -> str:
    code = code.strip().upper()
    if code not in {a.code for a in authorities() if a.kind == "council"}:
        raise ValueError(f'"{code}" is not a council code like S12000036 (see data/councils.csv)')
    return code


Address = Annotated[str, AfterValidator(valid_address)]
Council = Annotated[str, AfterValidator(_council)]


class ContactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contacts: dict[Council, list[Address]]


def contacts_file() -> Path:
    return Path(os.environ.get("STEM_TRACKER_CONTACTS") or DEFAULT_CONTACTS_FILE)


def read_contacts(stream: IO[str] | IO[bytes], name: str = "contacts.yaml") -> dict[str, tuple]:
    """Council code → its contacts' addresses (lower case, in the file's order)."""
    try:
        document = yamlfile.safe_load(stream) or {"contacts": {}}
    except (yaml.YAMLError, yamlfile.YamlSyntaxError) as error:
        raise ContactsFileError(f"{name} is not valid YAML: {error}") from None
    try:
        parsed = ContactsFile.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(_problem(e) for e in error.errors())
        raise ContactsFileError(f"{name}: {problems}") from None
    return {code: tuple(dict.fromkeys(found)) for code, found in parsed.contacts.items() if found}


def _problem(error: dict) -> str:
    """One pydantic error in the administrator's words: the entry, then what is wrong."""
    where = [str(part) for part in error["loc"] if part != "[key]"]
    if where[:1] == ["contacts"]:
        where = where[1:]
        if len(where) == 2:  # council code, position in its list
            where = [where[0], f"address {int(where[1]) + 1}"]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "needs `contacts:`, a mapping of council code → addresses"
    elif error["type"] == "extra_forbidden":
        message = "is not expected here: the file holds one `contacts:` mapping"
    elif error["type"] in ("dict_type", "list_type", "string_type", "model_type"):
        wanted = {"dict_type": "a mapping of council code → addresses",
                  "list_type": "a list of e-mail addresses",
                  "model_type": "`contacts:`, a mapping of council code → addresses",
                  }.get(error["type"], "an e-mail address")  # fmt: skip
        message = f"should be {wanted}"
    return f"{', '.join(where) or 'the file'}: {message}"


def load_contacts(path: Path | None = None) -> dict[str, tuple]:
    path = path or contacts_file()
    try:
        with open(path, encoding="utf-8") as f:
            return read_contacts(f, path.name)
    except FileNotFoundError:
        return {}


def without_contact(codes, contacts: dict[str, tuple]) -> list[str]:
    """Those of ``codes`` that have nobody to write to, in the order given."""
    return [code for code in codes if not contacts.get(code)]
