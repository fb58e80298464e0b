"""Issue 17 in a real browser at 360 px, JavaScript on and off, as the treasurer: the drive's page
shows its VietQR; the bank's statement is uploaded, previewed and saved; in the queue the coded line
is posted as a transfer gift under the name the treasurer corrects, the hand-typed gift's line is
linked to it, and the month's reconciliation lists what is left. No page scrolls sideways."""
from datetime import timedelta

import pytest

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}}


def bank_world(tag: str) -> dict:
    """A commune, its treasurer and Vietcombank account, an open drive around today with one transfer
    gift typed by hand, and the bank's statement of those days (ids, names and the file's bytes)."""
    from app.banking.codes import drive_code
    from app.banking.statements import sample_statement
    from app.core.clock import today
    from app.extensions import db
    from app.units.models import Unit
    from tests.browser.conftest import make_commune
    from tests.factories import make_user
    from tests.factories_banking import make_account
    from tests.factories_donations import make_campaign, make_donation

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    out["treasurer"] = make_user(commune, "treasurer", username=f"tq{tag}", full_name="Phan Văn Đức").username
    day = today()
    campaign = make_campaign(commune, f"Tiếp bước đến trường {tag}", start_date=day - timedelta(days=30),
                             end_date=day + timedelta(days=30))
    account = make_account(commune, number="0071000999888")
    typed = make_donation(campaign, 700_000, day=day - timedelta(days=2), method="transfer", name="Lê Văn Cường")
    code = drive_code(campaign)
    lines = [(day - timedelta(days=2), 700_000, "in", "LE VAN CUONG chuyen tien ung ho", "FT901"),
             (day - timedelta(days=1), 500_000, "in", f"MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien.{code}",
              "FT902"),
             (day - timedelta(days=1), 11_000, "out", "Phi dich vu SMS Banking", "FT903")]
    out.update(campaign=campaign.id, account=account.id, code=code, typed_entry=typed.entry.number,
               statement=sample_statement("vcb", lines, account_number="0071000999888", opening_balance=2_000_000),
               month=f"{day:%Y-%m}")
    return out


def gifts_of(campaign_id: int) -> list[tuple[str, int, str]]:
    from sqlalchemy import select

    from app.donations.models import Donation
    from app.extensions import db

    return [(d.donor.name, d.amount, d.method) for d in db.session.scalars(
        select(Donation).where(Donation.campaign_id == campaign_id).order_by(Donation.id))]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path_of(page)} is {width} px wide at 360 px"


def click_and_land(page, js: bool, selector: str, url_part: str) -> None:
    page.click(selector)
    page.wait_for_url(lambda url: url_part in url)
    if js:
        settled(page)
    no_sideways_scroll(page)


def test_a_statement_becomes_gifts_on_a_phone(browse, live, tmp_path):
    tag = unique("bk")
    w = live.run(bank_world, tag)
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["treasurer"], PASSWORD)

    page.goto(f"{browse.base}/dot-van-dong/{w['campaign']}")
    no_sideways_scroll(page)
    assert page.locator(".pay-box svg").count() == 1 and w["code"] in page.inner_text("main")

    page.goto(f"{browse.base}/ngan-hang/{w['account']}")
    no_sideways_scroll(page)
    click_and_land(page, browse.js, "text=Nhập sao kê", "/sao-ke")
    statement = tmp_path / "sao-ke.xlsx"
    statement.write_bytes(w["statement"])
    page.set_input_files("#file", str(statement))
    click_and_land(page, browse.js, "#statement-upload button[type=submit]", "/sao-ke/")
    preview = page.inner_text("main")
    assert "NGUYEN VAN AN" in preview and "Đã khớp" in preview
    click_and_land(page, browse.js, "button:has-text('Lưu 3 giao dịch mới')", "/giao-dich")

    # The coded line: the payer's name corrected to its Vietnamese spelling, then posted.
    row = page.locator("tr", has_text="NGUYEN VAN AN")
    row.locator("input[type=checkbox][name=ids]").check()
    row.locator("input[name^='name-']").fill("Nguyễn Văn An")
    click_and_land(page, browse.js, "#bulk button[value=post]", "/giao-dich")
    assert live.run(gifts_of, w["campaign"]) == [("Lê Văn Cường", 700_000, "transfer"),
                                                 ("Nguyễn Văn An", 500_000, "transfer")]

    # The hand-typed gift's line is linked to its phiếu thu; the bank's fee is set aside.
    page.locator("tr", has_text="LE VAN CUONG").locator("input[name=ids]").check()
    click_and_land(page, browse.js, "#bulk button[value=link]", "/giao-dich")
    page.locator("tr", has_text="Phi dich vu SMS").locator("input[name=ids]").check()
    page.fill("#reason", "Phí ngân hàng, ghi phiếu chi riêng")
    click_and_land(page, browse.js, "#bulk button:has-text('Bỏ qua')", "/giao-dich")
    assert "Không có giao dịch nào" in page.inner_text("main")

    page.goto(f"{browse.base}/ngan-hang/{w['account']}/doi-chieu?thang={w['month']}")
    no_sideways_scroll(page)
    text = page.inner_text("main")
    assert w["typed_entry"] in text and "Phí ngân hàng, ghi phiếu chi riêng" in text
    assert len(live.run(gifts_of, w["campaign"])) == 2  # nothing posted twice
