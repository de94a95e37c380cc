"""Backups that restore: a consistent snapshot of the store, checked, and restored through the
tracker's own migrations.

The package: ``snapshot`` (take, verify and restore a backup), ``files`` (what a backup folder
holds: the manifest, SHA256SUMS and the optional HMAC), ``data`` (a backup's tables loaded as
data, never its SQL). What callers use is named here.
"""

from etl.backup.files import BackupError, Manifest, Progress, quiet
from etl.backup.snapshot import Backup, Restored, restore, table_counts, take, verify

__all__ = [
    "Backup",
    "BackupError",
    "Manifest",
    "Progress",
    "Restored",
    "quiet",
    "restore",
    "table_counts",
    "take",
    "verify",
]
