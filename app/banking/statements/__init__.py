"""Bank statement readers: a bank's .xlsx or .csv export -> ParsedStatement (pure code, no DB).

    read_statement(data, filename, layout="", mapping=None)   the statement's lines and header info
    sheet_preview(data, filename, rows=12)                    the first rows as text (generic mapping page)
    guess_mapping(rows)                                       the generic mapping a preview suggests
    payer_name(description)                                   the sender's name in a bank's description
    sample_statement(layout, lines, ...)                      a file in a bank's layout (tests, demo, bench)

One module per bank layout (vcb, bidv, vietinbank, agribank, techcombank, mb) holds the header
texts its bank writes and where they come from; table.py reads any of them; sheet.py loads the
file under the guards every import has; generic.py reads a layout the user maps once.
"""
import logging

from app.vn.text import fold

from . import agribank, bidv, generic, mb, techcombank, vcb, vietinbank
from .base import ParsedLine, ParsedStatement
from .names import payer_name
from .sheet import MAX_LINES, StatementError, load_rows, text
from .table import (HEADER_SCAN, Layout, columns_of, derive_balances, derive_period, find_header, match_header,
                    read_info, read_lines)

log = logging.getLogger(__name__)

BANK_LAYOUTS: dict[str, Layout] = {m.LAYOUT.key: m.LAYOUT for m in (vcb, bidv, vietinbank, agribank, techcombank, mb)}
LAYOUTS: dict[str, str] = {key: layout.label for key, layout in BANK_LAYOUTS.items()} | {
    "generic": "Mẫu khác (tự chọn cột)"}
LAYOUT_BY_BIN: dict[str, str] = {"970436": "vcb", "970418": "bidv", "970415": "vietinbank", "970405": "agribank",
                                 "970407": "techcombank", "970422": "mb"}

# Every bank's words added to the generic ones, so a guess or a fallback knows them all.
_ALL_WORDS: dict[str, tuple] = {role: tuple(dict.fromkeys(
    generic.WORDS.get(role, ()) + tuple(w for lay in BANK_LAYOUTS.values() for w in lay.columns.get(role, ()))))
    for role in generic.WORDS}


def _complete(rows: list[list], hit: tuple[int, dict]) -> tuple[int, dict]:
    """The header found, with the description, reference and balance columns a bank's own texts
    missed named by any bank's words (a bank renames a column now and then)."""
    n, found = hit
    more = match_header(rows[n], {role: _ALL_WORDS[role] for role in ("description", "reference", "balance")})
    taken = set(found.values())
    for role, at in more.items():
        if role not in found and at not in taken:
            found[role] = at
            taken.add(at)
    return n, found


def _not_found(label: str = "") -> StatementError:
    which = f" Tệp có đúng là sao kê {label} không?" if label else ""
    err = StatementError(
        f"Không tìm thấy dòng tiêu đề có cột Ngày và Số tiền (hoặc Ghi nợ, Ghi có) trong {HEADER_SCAN} dòng đầu "
        f"của tệp.{which} Nếu ngân hàng xuất sao kê theo mẫu khác, hãy chọn “{LAYOUTS['generic']}” "
        "rồi chỉ ra các cột.")
    err.undetected = True  # the file is a table, but no header row was recognised: the caller may ask for a mapping
    return err


def _detect(rows: list[list]):
    """The bank layout whose header texts name the most columns of a header row (the bank's name
    in the title rows breaks a tie). When none fits, the refusal says so (err.undetected): the
    user then points at the columns once (generic), guess_mapping pre-filling the choice."""
    best, best_score = None, 0
    for layout in BANK_LAYOUTS.values():
        hit = find_header(rows, layout.columns)
        if hit is None:
            continue
        n, found = hit
        title = " ".join(text(v) for row in rows[:n] for v in row if v is not None)
        score = 2 * len(found) + (1 if any(m in fold(title) for m in layout.markers) else 0)
        if score > best_score:
            best, best_score = (layout, columns_of(*_complete(rows, (n, dict(found))))), score
    if best:
        return best
    raise _not_found()


def read_statement(data: bytes, filename: str, *, layout: str = "", mapping: dict | None = None) -> ParsedStatement:
    """The statement in `data` (.xlsx or .csv). `layout`: a key of LAYOUTS, or "" to detect it from
    the header row; "generic" reads with `mapping` (see generic.py). Raises StatementError with a
    Vietnamese message for anything it cannot read; reads nothing else and writes nothing."""
    if layout and layout not in LAYOUTS:
        raise StatementError("Mẫu sao kê không hợp lệ.", "layout")
    try:
        return _read(data, filename, layout, mapping)
    except StatementError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError) as err:
        # A file shaped in a way no reader foresaw: the user gets a message, the log the traceback.
        log.exception("statement %r (layout %r) not read: %s", filename, layout, err)
        raise StatementError("Không đọc được sao kê này. Hãy kiểm tra đúng tệp sao kê tải từ ngân hàng, "
                             f"hoặc chọn “{LAYOUTS['generic']}” rồi chỉ ra các cột.") from None


def _read(data: bytes, filename: str, layout: str, mapping: dict | None) -> ParsedStatement:
    rows = load_rows(data, filename)
    if layout == "generic":
        chosen, cols = generic.LAYOUT, generic.columns(rows, mapping)
    elif layout:
        chosen = BANK_LAYOUTS[layout]
        hit = find_header(rows, chosen.columns) or find_header(rows, _ALL_WORDS)  # a renamed column still reads
        if hit is None:
            raise _not_found(chosen.label)
        cols = columns_of(*_complete(rows, hit))
    else:
        chosen, cols = _detect(rows)
    statement = ParsedStatement(layout=chosen.key)
    summaries: list = []
    statement.lines = read_lines(rows, cols, chosen, summaries)
    read_info(rows, cols, statement, summaries)
    derive_balances(statement)
    derive_period(statement)
    return statement


def sheet_preview(data: bytes, filename: str, rows: int = 12) -> list[list[str]]:
    """The first `rows` rows of the file as text, of one width (row i is the file's row i + 1)."""
    try:
        return generic.preview(load_rows(data, filename), rows)
    except StatementError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError) as err:
        log.exception("statement %r not previewed: %s", filename, err)
        raise StatementError("Không đọc được tệp này. Hãy kiểm tra đúng tệp sao kê tải từ ngân hàng.") from None


def guess_mapping(rows: list[list]) -> dict:
    """The generic mapping the header texts of `rows` (a sheet_preview) suggest; see generic.py."""
    return generic.guess_mapping(rows, _ALL_WORDS)


def sample_statement(layout: str, lines, *, account_number: str = "0071000123456", opening_balance: int = 0,
                     fmt: str = "xlsx", **kw) -> bytes:
    """A statement file in `layout`'s export format; see samples.py."""
    from . import samples  # the writers load xlsxwriter; readers never need them

    return samples.sample_statement(layout, lines, account_number=account_number, opening_balance=opening_balance,
                                    fmt=fmt, **kw)


__all__ = ["LAYOUTS", "LAYOUT_BY_BIN", "BANK_LAYOUTS", "MAX_LINES", "ParsedLine", "ParsedStatement", "StatementError",
           "read_statement", "sheet_preview", "guess_mapping", "payer_name", "sample_statement", "match_header"]
