class BackupError(Exception):
    """A backup or restore that could not be made or checked, with a Vietnamese message."""
