"""Issue 19 C: a member card on the public verification page (app.papers.kinds member_card).

What a stranger holding the card sees: the kind, the unit and the association above it, the card's
number, the masked name, and whether the card still holds (còn hiệu lực; hết hiệu lực since the day a
member left or died). Never the birth year, address, phone, occupation nor the reason a member left;
each absence with its positive control. The QR printed on the card leads to that page.
"""
import shutil
from datetime import date

import pytest

from app.members import cards
from app.papers import codes
from app.papers.lookup import describe
from app.papers.site import verify_url
from tests.banking.test_vietqr import read_qr_codes
from tests.factories_members import end_member, make_member
from tests.papers.helpers import answer, text_of

ADDRESS, PHONE = "Số 12 đường Lê Lợi, ấp Tân Lộc", "0912345678"


def _member(world):
    return make_member(world.branch, "Nguyễn Thị Ngọc Ánh", birth_year=1957, address=ADDRESS, phone=PHONE,
                       occupation="retired_teacher", village="Ấp Tân Lộc")


def test_an_active_members_card_shows_kind_unit_number_and_the_masked_name(client, world):
    m = _member(world)
    assert m.birth_year == 1957 and m.address == ADDRESS and m.phone  # controls: the record holds them
    status, text = answer(client, "member_card", m.id)
    assert status == 200
    for shown in ["Còn hiệu lực", "Thẻ hội viên", world.branch.name, world.commune.name, cards.number_text(m),
                  "Nguyễn T. Ng. Ánh"]:
        assert shown in text, shown
    for hidden in ["Nguyễn Thị Ngọc Ánh", "Ngọc", "1957", ADDRESS, "Lê Lợi", "345678", "0912",
                   "Nhà giáo nghỉ hưu", "Ấp Tân Lộc"]:
        assert hidden not in text, hidden


@pytest.mark.parametrize("status", ["left", "deceased"])
def test_a_card_of_a_member_who_left_or_died_no_longer_holds_since_that_day(client, world, status):
    m = _member(world)
    end_member(m, status=status, ended_on=date(2025, 11, 20), reason="Chuyển vào Thành phố Hồ Chí Minh sinh sống")
    code, text = answer(client, "member_card", m.id)
    assert code == 200 and "Hết hiệu lực từ ngày 20/11/2025" in text and "Còn hiệu lực" not in text
    assert "Thẻ hội viên" in text and "Nguyễn T. Ng. Ánh" in text  # still the same card, named
    assert "Chuyển vào" not in text and "Hồ Chí Minh" not in text  # the reason stays inside
    assert describe("member_card", m.id).tone == "bad"


def test_a_member_card_code_never_names_another_kind_of_paper(client, world):
    m = _member(world)
    assert describe("member_card", m.id) is not None
    assert describe("member_card", m.id + 10 ** 6) is None
    status, _ = answer(client, "certificate", m.id)  # a certificate's code with the member's id: no such line
    assert status == 404


@pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftoppm", "zbarimg")), reason="poppler and zbar are needed")
def test_the_qr_on_a_printed_card_opens_its_verification_page(app, client, world, as_user, tmp_path):
    m = _member(world)
    clerk = as_user(world.users["clerk"])
    pdf = clerk.get(f"/hoi-vien/{m.id}/the.pdf").data
    (url,) = read_qr_codes(pdf, tmp_path)
    with app.test_request_context():
        assert url == verify_url(codes.code_for("member_card", m.id))
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]  # "/xac-minh/<code>"
    page = app.test_client().get(path)  # a stranger: no login
    assert page.status_code == 200 and "Nguyễn T. Ng. Ánh" in text_of(page.get_data(as_text=True))


def test_a_forged_code_decoyed_to_a_member_card_runs_the_statements_of_a_missing_card(app, client, world):
    """The decoy lookup (app.papers.lookup) now spreads over the member cards too: a forged code looked up
    as a member card sends the SQL a genuine code of a missing card sends, statement for statement."""
    from app.extensions import db
    from app.papers.lookup import decoy_kind
    from tests.perf.test_query_counts import StatementCounter

    app.config["PAPER_LOOKUP_FLUSH_SECONDS"] = 0  # every lookup writes its count, as the page tests do
    m = _member(world)

    def statements(path):
        with StatementCounter(db.engine) as counter:
            assert client.get(path).status_code == 404
        return tuple(counter.statements)

    genuine = codes.code_for("member_card", m.id)
    client.get(f"/xac-minh/{genuine}")  # warm: the codes' key is read once per app
    missing = statements(f"/xac-minh/{codes.code_for('member_card', 10 ** 9 + 7)}")
    # Typed codes that are not genuine (their tag fails), the first one whose decoy is a member card.
    forged = next(f for f in (codes.pretty(f"{n:015d}") for n in range(1, 1000))
                  if codes.read(f) is None and decoy_kind(f) == "member_card")
    got = statements(f"/xac-minh/{forged}")
    assert got == missing and any("FROM member" in s for s in got)
