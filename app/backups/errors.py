from app.core.refusal import Refusal


class BackupError(Refusal):
    """A backup or restore that could not be made or checked, with a Vietnamese message."""
