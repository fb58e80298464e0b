"""The year report as an .xlsx workbook: one sheet per table, amounts as numbers (đồng); and the
roll-up's workbook (its table, then the members per child unit).

Both open the organisation counts (app.members.counts) as the pages do: the year report with a
first sheet "Tổ chức hội" (the sentences, chi hội by kind, members per child unit with the total,
learning titles step by step), the roll-up with a sheet "Hội viên theo đơn vị". Counts are numbers,
per cents numbers with one decimal; a unit without a population has an empty share cell, not 0.

Cells go through app.core.xlsx.safe_cell, so a branch or campaign named "=..." stays text.
"""
import io
from datetime import date
from urllib.parse import quote

from flask import Response

from app.core.export import attachment_disposition
from app.core.xlsx import XLSX_MIME, safe_cell, write_workbook
from app.members.counts import MemberFigures, Organisation

from .yearreport import YearReport

ORG_SHEET = "Tổ chức hội"
ROLLUP_ORG_SHEET = "Hội viên theo đơn vị"
PERCENT_FORMAT = "0.0"  # per cents: a number with one decimal (Excel shows the locale's decimal comma)

BRANCH_HEADERS = ["Đơn vị", "Lượt ủng hộ", "Ủng hộ bằng tiền (đồng)", "Ủng hộ bằng hiện vật, quy ra tiền (đồng)",
                  "Heo đất nộp quỹ (đồng)", "Thu khác (đồng)", "Vận động bằng tiền (đồng)",
                  "Tổng vận động, tiền và hiện vật (đồng)", "Đã chi tiền (đồng)", "Hiện vật đã trao (đồng)",
                  "Số dư quỹ cuối kỳ (đồng)", "Hiện vật còn trong kho (đồng)", "Suất học bổng",
                  "Tiền học bổng (đồng)", "Khen thưởng (lượt)", "Tiền thưởng (đồng)"]


def branch_cells(name: str, s) -> list:
    return [name, s.donation_count, s.donation_money, s.goods_raised, s.pig_to_fund, s.other_income,
            s.money_raised, s.raised, s.spent, s.goods_given, s.closing_balance, s.goods_closing, s.awards,
            s.award_amount, s.honorees, s.honoree_amount]


def row_name(r, unit_name: str) -> str:
    return f"{unit_name} (trực tiếp)" if r.own else r.name


def sheets(rep: YearReport) -> list[tuple[str, list[str], list[list]]]:
    t = rep.total
    branches = [branch_cells(row_name(r, rep.unit_name), r.summary) for r in rep.branch_rows]
    branches.append(branch_cells("Tổng cộng", t))
    campaigns = [[c.info.name, c.unit_name, c.info.start_date, c.info.end_date, c.info.target or None, c.money,
                  c.goods, c.raised, c.percent, "Đang mở" if c.info.is_open else "Đã kết thúc"] for c in rep.campaigns]
    pigs = [[row_name(r, rep.unit_name), r.summary.pigs_active, r.summary.pigs_waiting, r.summary.pig_openings,
             r.summary.pig_counted, r.summary.pig_to_fund, r.summary.pig_kept] for r in rep.branch_rows]
    pigs.append(["Tổng cộng", t.pigs_active, t.pigs_waiting, t.pig_openings, t.pig_counted, t.pig_to_fund,
                 t.pig_kept])
    rounds = [[r.info.name, r.unit_name, r.info.school_year, r.info.decision_number, r.info.day, r.awards,
               r.amount, r.paid, r.paid_amount] for r in rep.rounds]
    rounds.append(["Tổng cộng", "", "", "", None, rep.awards.awards, rep.awards.amount, t.awards_paid,
                   t.paid_amount])
    breakdown = ([["Theo cấp học", "", None, None]] + [[label, "", n, amount] for label, n, amount in rep.level_rows()]
                 + [["Theo hoàn cảnh (một em có thể thuộc nhiều diện)", "", None, None]]
                 + [[label, "", n, amount] for label, n, amount in rep.circumstance_rows()])
    decisions = [[d.info.number, d.info.day, d.info.title, d.unit_name, d.honorees, d.amount] for d in rep.decisions]
    decisions += [[label, None, "", "", n, amount] for label, n, amount in rep.honoree_rows()]
    funds = [[f.info.name, f.unit_name, f.opening, f.income, f.spent, f.transfer_net, f.closing] for f in rep.funds]
    funds.append(["Tổng cộng", "", sum(f.opening for f in rep.funds), sum(f.income for f in rep.funds),
                  sum(f.spent for f in rep.funds), sum(f.transfer_net for f in rep.funds),
                  sum(f.closing for f in rep.funds)])
    text = [[rep.paragraph]] + [[c[:1].upper() + c[1:] + "."] for c in rep.clauses] + [[rep.balance_sentence]]
    return [
        ("Tổng hợp", BRANCH_HEADERS, branches),
        ("Đợt vận động", ["Đợt vận động", "Đơn vị", "Từ ngày", "Đến ngày", "Chỉ tiêu (đồng)",
                          "Tiền trong kỳ (đồng)", "Hiện vật quy ra tiền trong kỳ (đồng)",
                          "Vận động được trong kỳ (đồng)", "Đạt (%)", "Trạng thái"], campaigns),
        ("Heo đất", ["Đơn vị", "Đang nuôi", "Đã mổ chờ tái đàn", "Lần mổ trong kỳ", "Đếm được (đồng)",
                     "Nộp quỹ (đồng)", "Gia đình giữ lại (đồng)"], pigs),
        ("Học bổng", ["Đợt học bổng", "Đơn vị", "Năm học", "Quyết định", "Ngày trao", "Số suất", "Số tiền (đồng)",
                      "Đã chi trả (suất)", "Đã chi trả (đồng)"], rounds),
        ("Học bổng theo diện", ["Nhóm", "", "Số suất", "Số tiền (đồng)"], breakdown),
        ("Khen thưởng", ["Số quyết định", "Ngày", "Trích yếu", "Đơn vị", "Số lượt khen thưởng", "Tiền thưởng (đồng)"],
         decisions),
        ("Quỹ", ["Quỹ", "Đơn vị", "Số dư đầu kỳ (đồng)", "Thu trong kỳ (đồng)", "Chi trong kỳ (đồng)",
                 "Chuyển quỹ (đồng)", "Số dư cuối kỳ (đồng)"], funds),
        ("Nhận định", ["Nội dung"], text),
    ]


# ---- the organisation counts: blocks of (caption, headers, rows, last row is a total) -------------

def member_cells(name: str, m: MemberFigures) -> list:
    return [name, m.on_roll, m.joined, m.ended, m.change, m.share]  # share None: no population, empty cell


def member_headers(year: int) -> list[str]:
    return ["Đơn vị", "Hội viên", "Vào hội trong năm", "Ra khỏi hội, từ trần", f"So với năm {year - 1}",
            "Tỷ lệ dân số (%)"]


def child_name(c) -> str:
    # The page greys a closed unit out; a spreadsheet has no grey, so it says so (as the roll-up's rows do).
    return c.name if c.active else f"{c.name} (ngừng hoạt động)"


def member_blocks(org: Organisation) -> list[tuple]:
    """The members per child unit with the total row, then the learning titles (those registered)."""
    rows = [member_cells(child_name(c), c.members) for c in org.children]
    rows.append(member_cells("Tổng cộng", org.members))
    blocks = [(f"Hội viên đến 31/12/{org.year}", member_headers(org.year), rows, True)]
    if org.has_titles:
        titles = [[t.label, t.registered, t.assessed, t.recognised, t.percent] for t in org.titles if t.registered]
        blocks.append((f"Danh hiệu học tập năm {org.year}", ["Danh hiệu", "Đăng ký", "Đã chấm điểm",
                                                               "Được công nhận", "Công nhận / đăng ký (%)"],
                       titles, False))
    return blocks


def organisation_blocks(org: Organisation, sentences: list[str]) -> list[tuple]:
    """The year report's opening: its sentences, chi hội by kind, then member_blocks."""
    blocks = [(None, None, [[s] for s in sentences], False)]
    if org.branch_total:
        kinds = [[org.branch_labels[k], n] for k, n in org.branches.items() if n]
        blocks.append(("Chi hội, ban khuyến học (đang hoạt động)", ["Loại", "Số lượng"],
                       kinds + [["Tổng cộng", org.branch_total]], True))
    return blocks + member_blocks(org)


def write_blocks(ws, blocks: list[tuple], first_row: int, int_format: str | None) -> None:
    """Each block under the one before, a blank row between: caption and headers in bold, the rows
    (counts as numbers in `int_format`, floats as per cents), a total row in bold."""
    from openpyxl.styles import Font  # heavy: loaded when first needed
    from openpyxl.utils import get_column_letter  # heavy: loaded when first needed

    bold = Font(bold=True)
    r = first_row
    widths: dict[int, int] = {}
    for caption, headers, rows, total in blocks:
        if caption:
            ws.cell(row=r, column=1, value=safe_cell(caption)).font = bold
            r += 1
        for i, h in enumerate(headers or [], start=1):
            ws.cell(row=r, column=i, value=safe_cell(h)).font = bold
            widths[i] = max(widths.get(i, 0), len(h))
        r += 1 if headers else 0
        for n, row in enumerate(rows, start=1):
            for i, v in enumerate(row, start=1):
                cell = ws.cell(row=r, column=i, value=safe_cell(v))
                if isinstance(v, float):
                    cell.number_format = PERCENT_FORMAT
                elif isinstance(v, int) and not isinstance(v, bool) and int_format:
                    cell.number_format = int_format
                if total and n == len(rows):
                    cell.font = bold
                if headers:  # the sentences run across the empty cells on their right: not sized
                    widths[i] = max(widths.get(i, 0), len(str(v)) if v is not None else 0)
            r += 1
        r += 1
    for i, w in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 50)


def workbook(rep: YearReport) -> bytes:
    # heavy: openpyxl is loaded by the first workbook, not by every web worker at start
    from openpyxl import Workbook  # heavy: loaded when first needed
    from openpyxl.styles import Font  # heavy: loaded when first needed
    from openpyxl.utils import get_column_letter  # heavy: loaded when first needed

    wb = Workbook()
    wb.remove(wb.active)
    if rep.organisation is not None:  # the report opens with the organisation, as on the page and the PDF
        ws = wb.create_sheet(ORG_SHEET)
        ws.cell(row=1, column=1, value=safe_cell(f"{rep.unit_name} - {rep.period.title}")).font = Font(bold=True)
        write_blocks(ws, organisation_blocks(rep.organisation, rep.org_sentences), 2, "#,##0")
    for title, headers, rows in sheets(rep):
        ws = wb.create_sheet(title[:31])
        ws.append([safe_cell(f"{rep.unit_name} - {rep.period.title}")])
        ws.append([safe_cell(h) for h in headers])
        for cell in ws[1] + ws[2]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in headers]
        for row in rows:
            values = [safe_cell(v) for v in row]
            ws.append(values)
            for i, v in enumerate(values):
                if isinstance(v, date):
                    ws.cell(row=ws.max_row, column=i + 1).number_format = "DD/MM/YYYY"
                elif isinstance(v, int) and not isinstance(v, bool):
                    ws.cell(row=ws.max_row, column=i + 1).number_format = "#,##0"
                if i < len(widths):
                    widths[i] = max(widths[i], len(str(v)) if v is not None else 0)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 80 if title == "Nhận định" else 50)
        ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def response(rep: YearReport) -> Response:
    filename = f"Báo cáo tổng kết {rep.period.key} - {rep.unit_name}.xlsx"
    ascii_name = f"bao-cao-tong-ket-{rep.period.key}.xlsx"  # old clients read only this one
    resp = Response(workbook(rep), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                           f"filename*=UTF-8''{quote(filename)}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def rollup_response(filename: str, headers: list[str], table: list[list], org: Organisation | None) -> Response:
    """The roll-up's .xlsx: the sheet "Tổng hợp" as every list export writes it (app.core.xlsx), then
    the members per child unit with the total, as the page's "Hội viên theo đơn vị"."""
    from openpyxl import load_workbook  # heavy: loaded when first needed

    buf = io.BytesIO()
    write_workbook(buf, headers, table, "Tổng hợp")
    if org is not None:  # a few hundred rows at most (one per child unit): read back and add the sheet
        wb = load_workbook(io.BytesIO(buf.getvalue()))
        write_blocks(wb.create_sheet(ROLLUP_ORG_SHEET), member_blocks(org), 1, None)
        buf = io.BytesIO()
        wb.save(buf)
    data = buf.getvalue()
    resp = Response(data, mimetype=XLSX_MIME)
    resp.headers["Content-Length"] = str(len(data))
    resp.headers["Content-Disposition"] = attachment_disposition(filename)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
