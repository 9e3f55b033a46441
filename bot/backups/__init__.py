"""Backups: scheduled while the bot runs, made before every upgrade, and restored with one command.

files.py names and lists them, snapshot.py makes one verified copy, schedule.py is the recurring
job, upgrade.py backs up before migrations, restore.py is `python -m bot restore`.
"""

from bot.backups.files import BackupPolicy, describe_policy
from bot.backups.restore import restore_backup
from bot.backups.schedule import JOB_ID, BackupSchedule
from bot.backups.snapshot import BackupFailed, BackupMade, backup_database
from bot.backups.upgrade import migrate_with_backup

__all__ = [
    "JOB_ID",
    "BackupFailed",
    "BackupMade",
    "BackupPolicy",
    "BackupSchedule",
    "backup_database",
    "describe_policy",
    "migrate_with_backup",
    "restore_backup",
]
