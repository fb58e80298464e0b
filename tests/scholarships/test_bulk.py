"""Bulk approvals (issue 14 A): ticked rows, this page, all matching, within budget; each through a
confirm page, once, back to the same place; one row with htmx answers that row only."""
import re
from html import unescape

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.audit.models import AuditEntry
from app.extensions import db
from app.scholarships import bulk, services
from app.scholarships.models import APPROVED, PENDING, REJECTED, Nomination
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post from the form `form_id` (hidden inputs only)."""
    block = html[html.index(f'id="{form_id}"'):]
    block = block[:block.index("</form>")]
    out = []
    for tag in re.findall(r"<input[^>]*>", block):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            out.append((name.group(1), unescape(value.group(1) if value else "")))
    return out


def _round(world, n=5, *, budget=50_000_000, fund_money=50_000_000, amount=1_000_000):
    rnd = make_round(world.commune, budget=budget, fund_money=fund_money)
    cat = make_category(rnd, amount)
    noms = [make_nomination(rnd, make_pupil(world.commune), cat) for _ in range(n)]
    return rnd, cat, noms


def _statuses(noms):
    db.session.expire_all()
    return [db.session.get(Nomination, n.id).status for n in noms]


def _post(client, rnd, act, data, **kw):
    return client.post(f"/hoc-bong/{rnd.id}/quyet-dinh?act={act}", data=MultiDict(data), **kw)


def test_approve_all_matching_shows_a_confirm_page_then_approves_once_and_goes_back(world, as_user):
    rnd, cat, noms = _round(world, 4)
    services.reject(rnd, [noms[3]], "Không đủ điều kiện")
    db.session.commit()
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}?loai={cat.id}").get_data(as_text=True)
    assert "Duyệt tất cả 4 dòng khớp bộ lọc" in page
    data = form_fields(page, "decide-form") + [("scope", "all")]
    assert ("f.loai", str(cat.id)) in data
    confirm = _post(client, rnd, "approve", data)
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "3</strong> đề cử sẽ được duyệt" in html and "3.000.000 đ" in html  # the refused one is left alone
    assert _statuses(noms) == [PENDING, PENDING, PENDING, REJECTED]  # nothing written yet
    data = form_fields(html, "bulk-confirm") + [("step", "confirm")]
    for _ in range(2):  # a double submit approves once
        resp = _post(client, rnd, "approve", data)
        assert resp.status_code == 303
        assert resp.headers["Location"] == f"/hoc-bong/{rnd.id}?loai={cat.id}#bulk"
    assert _statuses(noms) == [APPROVED, APPROVED, APPROVED, REJECTED]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approve")) == 3


def test_approve_this_page_keeps_the_page_and_the_ticked_rows_go_by_themselves(world, as_user):
    rnd, cat, noms = _round(world, 55)
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}?trang=2").get_data(as_text=True)
    assert "Duyệt cả trang này (5)" in page
    data = form_fields(page, "decide-form") + [("scope", "page")]
    html = _post(client, rnd, "approve", data).get_data(as_text=True)
    assert "5</strong> đề cử sẽ được duyệt" in html
    resp = _post(client, rnd, "approve", form_fields(html, "bulk-confirm") + [("step", "confirm")])
    assert resp.headers["Location"] == f"/hoc-bong/{rnd.id}?trang=2#bulk"
    assert _statuses(noms).count(APPROVED) == 5
    # Ticked rows: only those; none ticked is refused with a message and nothing changes.
    page = client.get(f"/hoc-bong/{rnd.id}?trang_thai=pending").get_data(as_text=True)
    base = form_fields(page, "decide-form")
    resp = _post(client, rnd, "approve", base + [("scope", "picked")])
    assert resp.status_code == 303 and _statuses(noms).count(APPROVED) == 5
    picked = [n.id for n in noms if db.session.get(Nomination, n.id).status == PENDING][:2]
    html = _post(client, rnd, "approve", base + [("scope", "picked")] + [("ids", str(i)) for i in picked]
                 ).get_data(as_text=True)
    assert "2</strong> đề cử sẽ được duyệt" in html
    _post(client, rnd, "approve", form_fields(html, "bulk-confirm") + [("step", "confirm")])
    assert _statuses(noms).count(APPROVED) == 7


def test_a_list_changed_since_the_confirm_page_is_shown_again_not_acted_on(world, as_user):
    rnd, cat, noms = _round(world, 3)
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    html = _post(client, rnd, "approve", form_fields(page, "decide-form") + [("scope", "all")]).get_data(as_text=True)
    make_nomination(rnd, make_pupil(world.commune), cat)  # someone nominates one more meanwhile
    resp = _post(client, rnd, "approve", form_fields(html, "bulk-confirm") + [("step", "confirm")])
    assert resp.status_code == 422
    again = resp.get_data(as_text=True)
    assert "đã thay đổi" in again and "4</strong> đề cử sẽ được duyệt" in again
    assert _statuses(noms) == [PENDING] * 3
    assert _post(client, rnd, "approve", form_fields(again, "bulk-confirm") + [("step", "confirm")]).status_code == 303
    assert _statuses(noms) == [APPROVED] * 3


def test_a_bulk_approval_beyond_the_budget_is_refused_on_the_confirm_page(world, as_user):
    rnd, cat, noms = _round(world, 3, budget=2_000_000)
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    html = _post(client, rnd, "approve", form_fields(page, "decide-form") + [("scope", "all")]).get_data(as_text=True)
    resp = _post(client, rnd, "approve", form_fields(html, "bulk-confirm") + [("step", "confirm")])
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert body.index("ngân sách đợt chỉ còn 2.000.000 đ") < body.index("<table")  # at the top
    assert _statuses(noms) == [PENDING] * 3


def test_approve_within_budget_takes_the_hardest_cases_first_until_the_money_is_used(world, as_user):
    rnd = make_round(world.commune, budget=2_500_000, fund_money=50_000_000)
    cat = make_category(rnd, 1_000_000)
    plain = make_nomination(rnd, make_pupil(world.commune, "Lê Văn Bình"), cat)
    poor = make_nomination(rnd, make_pupil(world.commune, "Trần Thị Cúc", circumstances={"poor"}), cat)
    orphan_poor = make_nomination(rnd, make_pupil(world.commune, "Phạm Văn Dũng", circumstances={"poor", "orphan"}), cat)
    later_plain = make_nomination(rnd, make_pupil(world.commune, "Ngô Thị Em"), cat)
    assert [n.id for n in bulk.candidates_by_priority(rnd)] == [orphan_poor.id, poor.id, plain.id, later_plain.id]
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    assert "Duyệt trong ngân sách" in page
    resp = _post(client, rnd, "budget", form_fields(page, "decide-form"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "2</strong> đề cử sẽ được duyệt" in html and "Thứ tự ưu tiên" in html
    assert "Dừng ở Lê Văn Bình" in html
    assert html.index("Phạm Văn Dũng") < html.index("Trần Thị Cúc")
    assert _statuses([plain, poor, orphan_poor, later_plain]) == [PENDING] * 4  # nothing written before confirm
    resp = _post(client, rnd, "budget", form_fields(html, "bulk-confirm") + [("step", "confirm")])
    assert resp.status_code == 303
    assert _statuses([plain, poor, orphan_poor, later_plain]) == [PENDING, APPROVED, APPROVED, PENDING]


def test_budget_plan_skips_a_full_quota_and_a_pupil_already_approved(world):
    rnd = make_round(world.commune, budget=10_000_000, fund_money=50_000_000)
    small = make_category(rnd, 500_000, quota=1)
    big = make_category(rnd, 1_000_000)
    pupil = make_pupil(world.commune, circumstances={"poor"})
    first = make_nomination(rnd, pupil, small)
    services.approve(rnd, [first])
    db.session.commit()
    twice = make_nomination(rnd, pupil, big)
    over_quota = make_nomination(rnd, make_pupil(world.commune), small)
    fine = make_nomination(rnd, make_pupil(world.commune), big)
    plan = bulk.budget_plan(rnd)
    assert plan.ids == [fine.id] and not plan.stop
    assert {n.id for n, _ in plan.skipped} == {twice.id, over_quota.id}


def test_one_row_with_htmx_answers_that_row_only_and_plainly_comes_back_to_it(world, as_user):
    rnd, cat, noms = _round(world, 2, budget=1_000_000)
    client = as_user(world.users["admin"])
    page = client.get(f"/hoc-bong/{rnd.id}?trang_thai=pending").get_data(as_text=True)
    data = form_fields(page, "decide-form")
    assert f'hx-post="/hoc-bong/{rnd.id}/quyet-dinh?act=approve-{noms[0].id}" hx-target="closest tr"' in page
    resp = _post(client, rnd, f"approve-{noms[0].id}", data, htmx=True)
    row = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in row
    assert row.lstrip().startswith(f'<tr id="row-{noms[0].id}"') and "Đã duyệt" in row
    assert 'id="round-totals" hx-swap-oob="true"' in row
    # The budget is used: the next row answers itself again, with the reason inside it (422 is swapped).
    resp = _post(client, rnd, f"approve-{noms[1].id}", data, htmx=True)
    assert resp.status_code == 422 and f'<tr id="row-{noms[1].id}" class="has-problem"' in resp.get_data(as_text=True)
    assert "ngân sách đợt chỉ còn" in resp.get_data(as_text=True)
    # Without JavaScript the row's button posts act=approve-<id> and comes back to the row.
    services.save_round(rnd.fund, rnd.name, rnd.school_year, 5_000_000, ceremony_date=rnd.ceremony_date,
                        decision_number=rnd.decision_number, rnd=rnd)
    db.session.commit()
    resp = client.post(f"/hoc-bong/{rnd.id}/quyet-dinh", data=MultiDict(data + [("act", f"approve-{noms[1].id}")]))
    assert resp.status_code == 303
    assert resp.headers["Location"] == f"/hoc-bong/{rnd.id}?trang_thai=pending#row-{noms[1].id}"
    assert _statuses(noms) == [APPROVED, APPROVED]


def test_every_cell_of_the_selection_list_is_labelled(world, as_user):
    rnd, cat, noms = _round(world, 2)
    page = as_user(world.users["admin"]).get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    table = page[page.index('<table class="list selection"'):]
    table = table[:table.index("</table>")]
    assert table.count("<td") == 16 and table.count("<td") == table.count("data-label=")
