"""Files the app writes that hold people's data (finished PDFs, staged uploads): private to the app's
user (0600, like the backups), and written whole before they appear (a reader never sees half a file)."""
import os
import threading
from pathlib import Path


def write_private(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` atomically with mode 0600 (str is written as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
