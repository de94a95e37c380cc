"""What a backup folder holds and how it is checked: the manifest and the SHA-256 of every file.

A backup is a folder:

    manifest.json     schema version, rows per table, the current figures' fingerprint, the time
    store/            the whole database as DuckDB's EXPORT DATABASE writes it (schema.sql,
                      load.sql, one Parquet file per table)
    commitments.yaml  the strategy file the store was loaded from
    SHA256SUMS        the SHA-256 of every other file, written last (``sha256sum -c SHA256SUMS``
                      checks a copy anywhere, without this program)
    SHA256SUMS.hmac   only when taken with a key: an HMAC-SHA256 of SHA256SUMS under that key

SHA256SUMS and the manifest carry no key: they find damage, not tampering, since whoever can
write to the folder can recompute them. The HMAC can only be made with the key, which is
kept apart from the backups, so a signed backup checked with the key is as it was taken.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from etl.errors import TrackerError

FORMAT = "stem-tracker backup 1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.hmac"
STORE = "store"
COMMITMENTS = "commitments.yaml"
PARTIAL = ".partial-"  # the name of a backup being written, or of one that was interrupted

# A step of the work and how far through it is (0 to 1; None when not known).
Progress = Callable[[str, float | None], None]


def quiet(step: str, fraction: float | None) -> None:
    """Progress that shows nothing."""


class BackupError(TrackerError):
    """A backup cannot be taken, checked or restored; the message says why and what to do."""


class BackupDamaged(BackupError):
    """Files of a backup are missing, altered or not part of it: each problem names its file."""

    def __init__(self, folder: Path, problems: list[str]):
        self.folder, self.problems = folder, problems
        super().__init__(
            f"the backup {folder} cannot be trusted:\n" + "\n".join(f"  {p}" for p in problems)
        )


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, as written when it was taken."""

    schema_version: int
    tables: dict[str, int]  # rows in each table
    figures: int  # rows of current figures
    fingerprint: str  # of the current figures (etl.backup.figures_fingerprint)
    taken_at: str  # UTC, ISO 8601
    database: str  # the file it was taken from
    commitments_sha256: str
    duckdb_version: str
    format: str = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(
                    f"{folder / MANIFEST} is not a stem-tracker backup manifest "
                    f"(format {data.get('format')!r}, expected {FORMAT!r})"
                )
            return cls(**data)
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise BackupDamaged(folder, [f"{MANIFEST} cannot be read ({error})"]) from None


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` but SHA256SUMS and its HMAC, as sorted relative POSIX
    paths."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in (SUMS, SIGNATURE)
    )


def symbolic_links(folder: Path) -> list[str]:
    """Every symbolic link under ``folder`` (to a file or a folder), as relative POSIX paths."""
    found = []
    for top, folders, files in os.walk(folder):  # does not follow links to folders
        for name in folders + files:
            if os.path.islink(os.path.join(top, name)):
                found.append(Path(top, name).relative_to(folder).as_posix())
    return sorted(found)


def sha256_of(path: Path, *, sync: bool = False) -> str:
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
        if sync:  # on disk before the folder is renamed into place
            os.fsync(f.fileno())
    return digest


def write_sums(folder: Path, on_progress: Progress = quiet) -> int:
    """Write SHA256SUMS for every file in ``folder`` (syncing each to disk); return the bytes
    summed."""
    names = files_in(folder)
    total = sum((folder / n).stat().st_size for n in names) or 1
    done, lines = 0, []
    for name in names:
        on_progress("checksums", done / total)
        lines.append(f"{sha256_of(folder / name, sync=True)}  {name}\n")
        done += (folder / name).stat().st_size
    with (folder / SUMS).open("w", encoding="utf-8") as f:
        f.writelines(lines)
        f.flush()
        os.fsync(f.fileno())
    on_progress("checksums", 1.0)
    return done


def read_key(path: Path) -> bytes:
    """The backup key kept in the file at ``path`` (BackupError when it cannot be used)."""
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise BackupError(f"the backup key {path} cannot be read ({error.strerror})") from None
    if len(key) < 16:
        raise BackupError(
            f"the backup key {path} is too short to be a key: make one with "
            "`head -c 32 /dev/urandom | base64 > FILE` (see the README's Security section)"
        )
    return key


def _hmac(folder: Path, key: bytes) -> str:
    return hmac.new(key, (folder / SUMS).read_bytes(), hashlib.sha256).hexdigest()


def sign(folder: Path, key: bytes) -> None:
    """Write SHA256SUMS.hmac: SHA256SUMS's HMAC-SHA256 under ``key``."""
    with (folder / SIGNATURE).open("w", encoding="ascii") as f:
        f.write(_hmac(folder, key) + "\n")
        f.flush()
        os.fsync(f.fileno())


def check_signature(folder: Path, key: bytes) -> None:
    """BackupDamaged unless SHA256SUMS.hmac is SHA256SUMS's HMAC under ``key``."""
    try:
        found = (folder / SIGNATURE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise BackupDamaged(
            folder, [f"{SIGNATURE} is missing: the backup was not signed with a key, so the "
                     "key cannot vouch for it"],
        ) from None  # fmt: skip
    if not hmac.compare_digest(found, _hmac(folder, key)):
        raise BackupDamaged(
            folder, [f"{SIGNATURE} does not match the key: the backup has been changed since "
                     "it was taken, or was signed with another key"],
        )  # fmt: skip


def check_sums(folder: Path, on_progress: Progress = quiet, key: bytes | None = None) -> None:
    """Raise BackupDamaged naming every file that is missing, altered or not listed, or when
    ``key`` is given and the backup's HMAC is not its."""
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    if folder.name.startswith(PARTIAL):
        raise BackupDamaged(
            folder,
            ["this is an unfinished backup (a backup killed part-way leaves such a folder): "
             "use a complete one"],
        )  # fmt: skip
    if not (folder / SUMS).is_file():
        raise BackupDamaged(
            folder,
            [f"{SUMS} is missing: this is not a complete backup (an interrupted backup "
             "leaves such a folder); take a new one"],
        )  # fmt: skip
    links = symbolic_links(folder)
    if links:  # refused before any is read: a link can point at any file on the machine
        raise BackupDamaged(
            folder, [f"{name} is a symbolic link; a backup holds only files" for name in links]
        )
    if key is not None:  # before reading what the sums list: an unsigned list proves nothing
        check_signature(folder, key)
    listed, problems = _read_sums(folder / SUMS)
    present = set(files_in(folder))
    total = sum((folder / n).stat().st_size for n in listed if n in present) or 1
    done = 0
    for name, expected in listed.items():
        on_progress("checking checksums", done / total)
        if name not in present:
            problems.append(f"{name} is missing")
            continue
        if sha256_of(folder / name) != expected:
            problems.append(f"{name} has been altered or damaged (its SHA-256 is not {SUMS}'s)")
        done += (folder / name).stat().st_size
    unlisted = sorted(present - set(listed))
    problems += [f"{name} is not part of the backup (not in {SUMS})" for name in unlisted]
    if MANIFEST not in listed and MANIFEST not in present:
        problems.append(f"{MANIFEST} is missing")
    if problems:
        raise BackupDamaged(folder, problems)
    on_progress("checking checksums", 1.0)


def _read_sums(path: Path) -> tuple[dict[str, str], list[str]]:
    listed, problems = {}, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or name.startswith("/") or ".." in name.split("/"):
            problems.append(f"{SUMS} line {number} is not a SHA-256 and a file name")
        else:
            listed[name] = digest.lower()
    return listed, problems
