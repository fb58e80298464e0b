"""The monthly reconciliation of a bank account: figures, differences, the page and the printed biên bản."""
import shutil
import subprocess
import unicodedata
from datetime import date, timedelta

import pytest

from app.banking import reconcile as recon
from app.banking.models import IGNORED, LINKED, POSTED, WAITING, BankLine, BankStatement
from app.core import clock
from app.donations import services as donations
from app.extensions import db
from app.funds import services as funds
from tests.factories_banking import make_account
from tests.factories_donations import make_campaign, make_donation

poppler = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo")),
                             reason="poppler-utils missing")


def _line(account, amount, *, direction="in", day, status=WAITING, description="", balance=None, statement=None,
          donation=None, entry=None, reason="", ref=None):
    line = BankLine(unit_id=account.unit_id, bank_account_id=account.id, statement_id=statement and statement.id,
                    identity=f"ref:{ref}" if ref else f"sum:{amount}-{day}-{description}-{balance}",
                    reference=ref or "", txn_date=day, amount=amount, direction=direction,
                    description=description, balance=balance, status=status, reason=reason,
                    donation_id=donation and donation.id, entry_id=entry and entry.id)
    db.session.add(line)
    db.session.flush()
    return line


class Month:
    """A month with: a matched gift, a gift only in the book, a gift voided in the month whose bank line
    was posted to it, a waiting line, a bank fee set aside, a cash gift (not the bank's business)."""

    def __init__(self, world, opening=10_000_000, closing_off=0):
        now = clock.today()
        self.month = recon.Month(now.year, now.month)
        self.day = self.month.start  # every record on the 1st: never in the future, same month as a void today
        self.account = make_account(world.commune, commit=False)
        campaign = make_campaign(world.commune, start_date=self.day - timedelta(days=40),
                                 end_date=self.day + timedelta(days=60))
        self.matched = make_donation(campaign, 500_000, day=self.day, method="transfer", name="Nguyễn Văn Ấn")
        self.book_only = make_donation(campaign, 300_000, day=self.day, method="transfer", name="Trần Thị Bé")
        self.voided = make_donation(campaign, 200_000, day=self.day, method="transfer", name="Lê Văn Đủ")
        make_donation(campaign, 1_000_000, day=self.day, method="cash", name="Phạm Văn Tiền Mặt")
        donations.void_donation(self.voided, "Ghi trùng")
        self.statement = BankStatement(unit_id=world.commune.id, bank_account_id=self.account.id, filename="sk.xlsx",
                                       date_from=self.day, date_to=self.month.end, opening_balance=opening,
                                       closing_balance=opening + 500_000 + 150_000 + 200_000 - 11_000 + closing_off)
        db.session.add(self.statement)
        db.session.flush()
        s = self.statement
        self.l_matched = _line(self.account, 500_000, day=self.day, status=POSTED, donation=self.matched,
                               description="MBVCB.123.NGUYEN VAN AN chuyen tien", statement=s, ref="FT001")
        self.l_waiting = _line(self.account, 150_000, day=self.day, description="ung ho hoc bong", statement=s,
                               ref="FT002")
        self.l_voided = _line(self.account, 200_000, day=self.day, status=POSTED, donation=self.voided,
                              description="LE VAN DU ung ho", statement=s, ref="FT003")
        self.l_fee = _line(self.account, 11_000, direction="out", day=self.day, status=IGNORED,
                           reason="Phí ngân hàng", description="Phi SMS Banking", statement=s, ref="FT004")
        db.session.commit()


def test_month_figures_with_matched_statement_only_book_only_and_a_voided_gift(world):
    m = Month(world)
    rec = recon.reconcile(m.account, m.month)
    assert (rec.opening.value, rec.closing.value) == (10_000_000, 10_839_000)
    assert (rec.statement_in, rec.statement_out) == (850_000, 11_000)
    # The voided gift and its reversal are netted (both listed apart), the cash gift is not the bank's.
    assert (rec.book_in, rec.book_out) == (800_000, 0)
    assert [(a.id, b.reversal_of_id) for a, b in rec.netted] == [(m.voided.entry_id, m.voided.entry_id)]
    assert [i.line.id for i in rec.matched] == [m.l_matched.id]
    assert rec.matched[0].entry.id == m.matched.entry_id
    assert {i.line.id for i in rec.statement_only} == {m.l_waiting.id, m.l_voided.id, m.l_fee.id}
    note = {i.line.id: i.note for i in rec.statement_only}
    assert "đã hủy" in note[m.l_voided.id] and "Phí ngân hàng" in note[m.l_fee.id]
    assert [i.entry.id for i in rec.book_only] == [m.book_only.entry_id]
    assert rec.expected_closing == 10_839_000 and rec.gap == 0 and rec.balanced is True


def test_a_statement_that_does_not_add_up_shows_the_gap(world):
    m = Month(world, closing_off=-1_000)
    rec = recon.reconcile(m.account, m.month)
    assert rec.gap == -1_000 and rec.balanced is False


def test_balances_from_running_balances_without_a_statement_either_order(world):
    account = make_account(world.commune)
    d1, d2 = date(2024, 7, 3), date(2024, 7, 20)
    # The bank lists each day newest first: the rows' order must not matter.
    _line(account, 100_000, day=d1, balance=1_300_000, description="b")
    _line(account, 200_000, day=d1, balance=1_200_000, description="a")
    _line(account, 50_000, direction="out", day=d2, balance=1_250_000, description="c")
    db.session.commit()
    rec = recon.reconcile(account, recon.Month(2024, 7))
    assert (rec.opening.value, rec.closing.value) == (1_000_000, 1_250_000)
    assert rec.balanced is True
    # August has no line: its opening comes from July's last balance, its closing is unknown.
    aug = recon.reconcile(account, recon.Month(2024, 8))
    assert aug.opening.value == 1_250_000 and not aug.closing.known and aug.balanced is None
    assert recon.default_month(account) == recon.Month(2024, 7)


def test_a_statement_spanning_two_months_is_moved_to_the_month_start(world):
    account = make_account(world.commune)
    s = BankStatement(unit_id=world.commune.id, bank_account_id=account.id, date_from=date(2024, 6, 15),
                      date_to=date(2024, 7, 14), opening_balance=1_000_000, closing_balance=1_400_000)
    db.session.add(s)
    db.session.flush()
    _line(account, 100_000, day=date(2024, 6, 20), statement=s, description="x")
    _line(account, 300_000, day=date(2024, 7, 2), statement=s, description="y")
    db.session.commit()
    rec = recon.reconcile(account, recon.Month(2024, 7))
    assert rec.opening.value == 1_100_000 and rec.closing.value == 1_400_000 and rec.balanced is True
    assert "ngày đầu tháng" in rec.opening.source


def test_linked_payment_and_several_accounts_list_book_only_on_the_default(world):
    other = make_account(world.commune, bin_="970418", number="12345678", commit=False)
    m = Month(world)
    fund = funds.default_fund(world.commune)
    paid = funds.post_payment(fund, 11_000, entry_date=m.day, recipient="Ngân hàng", purpose="Phí", method="transfer")
    m.l_fee.status, m.l_fee.entry_id = LINKED, paid.id
    db.session.commit()
    assert m.account.is_default if m.account.id < other.id else True
    home = recon.reconcile(recon.home_account(recon.unit_accounts(m.account)), m.month)
    away = recon.reconcile(other if home.account.id != other.id else m.account, m.month)
    assert home.lists_book_only and not away.lists_book_only and away.book_only == []
    rec = recon.reconcile(m.account, m.month)
    assert [i.line.id for i in rec.matched] == [m.l_matched.id, m.l_fee.id]
    # A line of another account of the unit also takes an entry out of "book only".
    _line(other, 300_000, day=m.day, status=POSTED, donation=m.book_only, description="TRAN THI BE", ref="X1")
    db.session.commit()
    assert recon.reconcile(home.account, m.month).book_only == []


def test_fund_to_fund_transfers_inside_the_unit_are_left_out(world):
    m = Month(world)
    fund = funds.default_fund(world.commune)
    second = funds.create_fund(world.commune, "Quỹ học bổng")
    funds.transfer(fund, second, 100_000, entry_date=m.day, reason="Chuyển sang quỹ học bổng")
    db.session.commit()
    rec = recon.reconcile(m.account, m.month)
    assert (rec.book_in, rec.book_out) == (800_000, 0)


def test_page_plain_and_htmx_and_month_picker(world, as_user):
    m = Month(world)
    client = as_user(world.users["viewer"])
    url = f"/ngan-hang/{m.account.id}/doi-chieu?thang={m.month.param}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and 'name="thang"' in html and 'method="get"' in html
    assert "10.839.000 đ" in html and "Khớp:" in html and "Trần Thị Bé" in html
    assert "Xem 2 bút toán chuyển khoản của tháng" in html
    assert f'id="statement-only-{m.l_waiting.id}"' in html and f'id="book-only-{m.book_only.entry_id}"' in html
    # The differences on the statement lead to the queue of lines, filtered to the month.
    assert f"/ngan-hang/{m.account.id}/giao-dich?trang_thai=ignored&amp;tu_ngay={m.day.isoformat()}" in html
    frag = client.get(url, htmx=True)
    assert frag.status_code == 200 and "<html" not in frag.get_data(as_text=True)
    assert 'id="reconcile"' in frag.get_data(as_text=True)
    # No month: the last month with lines; a bad one says so and shows that month too.
    assert f"Tháng {m.month.label}" in client.get(f"/ngan-hang/{m.account.id}/doi-chieu").get_data(as_text=True)
    bad = client.get(f"/ngan-hang/{m.account.id}/doi-chieu?thang=2024-13").get_data(as_text=True)
    assert "Tháng không hợp lệ" in bad and f"Tháng {m.month.label}" in bad


def test_a_gap_is_shown_in_red(world, as_user):
    m = Month(world, closing_off=5_000)
    html = as_user(world.users["viewer"]).get(f"/ngan-hang/{m.account.id}/doi-chieu?thang={m.month.param}") \
        .get_data(as_text=True)
    assert '<span class="error">Không khớp' in html and "5.000 đ" in html


def test_an_empty_month_says_the_balances_are_unknown(world, as_user):
    account = make_account(world.commune)
    client = as_user(world.users["treasurer"])
    html = client.get(f"/ngan-hang/{account.id}/doi-chieu?thang=2024-02").get_data(as_text=True)
    assert "Chưa rõ" in html and "Chưa kiểm tra được" in html and "Tháng 02/2024" in html
    assert client.get(f"/ngan-hang/{account.id}/doi-chieu.pdf?thang=2024-02").mimetype == "application/pdf"


def test_other_commune_gets_404(world, as_user):
    account = make_account(world.commune)
    client = as_user(world.other_user)
    assert client.get(f"/ngan-hang/{account.id}/doi-chieu").status_code == 404
    assert client.get(f"/ngan-hang/{account.id}/doi-chieu.pdf").status_code == 404


def _run(tool, pdf, tmp_path, *args):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@poppler
def test_pdf_text_fonts_and_one_a4_page(world, as_user, tmp_path):
    m = Month(world)
    resp = as_user(world.users["viewer"]).get(f"/ngan-hang/{m.account.id}/doi-chieu.pdf?thang={m.month.param}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline;")
    text = " ".join(unicodedata.normalize("NFC", _run("pdftotext", resp.data, tmp_path)).split())
    for words in ("BIÊN BẢN ĐỐI CHIẾU SỐ DƯ TÀI KHOẢN NGÂN HÀNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "HỘI KHUYẾN HỌC XÃ TÂN PHÚ", m.account.account_number,
                  "Vietcombank", f"Tháng {m.month.month:02d} năm {m.month.year}", "10.000.000 đ", "10.839.000 đ",
                  "Mười triệu tám trăm ba mươi chín nghìn đồng", "Có trên sao kê, chưa có trong sổ",
                  "Có trong sổ, chưa có trên sao kê", "Phí ngân hàng", "Người lập", "Kế toán", "Thủ quỹ",
                  "Chủ tịch hội"):
        assert words in text, words
    fonts = _run("pdffonts", resp.data, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    info = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in
                                              _run("pdfinfo", resp.data, tmp_path).splitlines() if ":" in line)}
    w, _, h = info["Page size"].split()[:3]
    assert info["Pages"] == "1" and (round(float(w)), round(float(h))) == (595, 842)  # one A4 portrait page


@poppler
def test_a_long_sheet_is_offered_as_a_print_job(world, as_user, tmp_path, monkeypatch):
    from app.printing.models import PrintJob

    m = Month(world)
    client = as_user(world.users["viewer"])
    monkeypatch.setattr(recon, "DIRECT_MAX", 3)
    page = client.get(f"/ngan-hang/{m.account.id}/doi-chieu.pdf?thang={m.month.param}")
    assert page.mimetype == "text/html" and page.status_code == 200
    resp = client.post(f"/ngan-hang/{m.account.id}/doi-chieu/in-nen?thang={m.month.param}")
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.get(PrintJob, int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "done", job.error
    text = " ".join(_run("pdftotext", client.get(f"/in-an/{job.id}/tai-ve").data, tmp_path).split())
    assert "BIÊN BẢN ĐỐI CHIẾU SỐ DƯ TÀI KHOẢN NGÂN HÀNG" in unicodedata.normalize("NFC", text)
