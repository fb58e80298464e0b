"""Spreadsheet imports that wait for a confirmation: reading template cells, and keeping the
checked rows server-side between the preview and the "Xác nhận" button.

The checked rows go to a JSON file under instance/imports/ (never to the database): nothing
a user uploads touches real data before they confirm, an abandoned preview leaves no row
behind, and a stale file is swept away after MAX_AGE. A staged upload belongs to the user
who sent it and to the record it was sent for; anyone else asking for it gets None.
"""
import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_login import current_user

from app.core.files import write_private
from app.vn.text import clean, fold, nfc

MAX_AGE = 6 * 3600  # an upload waits this long for its confirmation
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PREFIX = re.compile(r"^[a-z]{1,12}$")


def cell_text(value) -> str:
    """A cell as clean NFC text: None is "", a whole float (Excel's 2013.0) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(nfc(str(value))) or ""


def header_columns(header_row, fields_by_header: dict[str, str]) -> dict[str, int]:
    """{field: column index} for the headers found in `header_row`, matched without diacritics
    or case, so a school that retypes "Ho va ten" or moves a column still imports."""
    folded = {fold(h): f for h, f in fields_by_header.items()}
    columns: dict[str, int] = {}
    for i, h in enumerate(header_row or []):
        key = folded.get(fold(cell_text(h)))
        if key and key not in columns:
            columns[key] = i
    return columns


def data_rows(sheet: list[list], columns_by_header: dict[str, str], error, max_rows: int):
    """(columns, [(line, get)]) for the non-empty data rows of `sheet` (header row first); `get(field)`
    reads that field's cell of the row. A file without data, without a name column or over `max_rows`
    rows raises `error(message, "file")`, the importing domain's own refusal."""
    if not sheet:
        raise error("Tệp không có dữ liệu.", "file")
    columns = header_columns(sheet[0], columns_by_header)
    if "name" not in columns:
        raise error("Không thấy cột “Họ và tên” ở dòng đầu. Vui lòng dùng đúng tệp mẫu.", "file")
    if len(sheet) - 1 > max_rows:
        raise error(f"Tệp có quá nhiều dòng (tối đa {max_rows} dòng).", "file")
    out = []
    for n, raw in enumerate(sheet[1:], start=2):
        if all(cell_text(v) == "" for v in raw):
            continue
        out.append((n, lambda f, raw=raw: raw[columns[f]] if f in columns and columns[f] < len(raw) else None))
    return columns, out


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(prefix: str, token: str) -> Path | None:
    if not _PREFIX.match(prefix or "") or not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return _folder() / f"{prefix}-{token}.json"


def stage(prefix: str, payload: dict, **owner) -> str:
    """Keep `payload` (JSON-able) for the current user and `owner` (e.g. decision_id=7); return its token."""
    folder = _folder()
    now = time.time()
    for old in folder.glob(f"{prefix}-*.json"):
        try:
            if now - old.stat().st_mtime > MAX_AGE:
                old.unlink(missing_ok=True)
        except OSError:  # another request swept it first
            pass
    token = secrets.token_hex(16)
    meta = {"user_id": current_user.id, "owner": owner, "payload": payload}
    write_private(_path(prefix, token), json.dumps(meta, ensure_ascii=False))
    return token


def load_staged(prefix: str, token: str, **owner) -> dict | None:
    """The payload staged by the current user for the same `owner`, or None (unknown, expired, someone else's)."""
    path = _path(prefix, token)
    if path is None or not path.exists():
        return None
    if time.time() - path.stat().st_mtime > MAX_AGE:
        path.unlink(missing_ok=True)
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id or meta.get("owner") != owner:
        return None
    return meta["payload"]


def discard(prefix: str, token: str) -> None:
    """Forget a staged upload (after it was written): a second confirmation finds nothing."""
    path = _path(prefix, token)
    if path is not None:
        path.unlink(missing_ok=True)
