"""The list filters' query parameters are a contract: links from the reports, the dashboard and the
campaigns, users' bookmarks and the bulk forms' carried "f.<name>" inputs all spell them. The forms'
attributes are English (issue 16); `name=` keeps each Vietnamese parameter, and this pins the pairs so
that a rename without `name=` fails here instead of silently filtering nothing."""
import pytest
from werkzeug.datastructures import MultiDict

from app.banking.forms import MonthForm, ReminderForm
from app.banking.import_forms import LineFilterForm
from app.campaigns.forms import CampaignFilterForm
from app.commendations.forms import HonoreeFilterForm
from app.disclosure.forms import PickForm as DisclosurePickForm
from app.donations.forms import BatchForm, DonationFilterForm
from app.funds.forms import LedgerFilterForm
from app.goods.forms import RegisterFilterForm, StockFilterForm
from app.members.forms import MemberFilterForm
from app.periods.forms import PickForm as PeriodPickForm
from app.piggybanks.forms import PigFilterForm, ReportFilterForm
from app.pupils.forms import PupilFilterForm
from app.scholarships.forms import AwardFilterForm

NAMES = {
    LedgerFilterForm: dict(date_from="tu_ngay", date_to="den_ngay", direction="huong", source="nguon"),
    RegisterFilterForm: dict(unit_id="don_vi", item_key="hang", item_unit="dvt", direction="huong",
                             source="nguon", date_from="tu_ngay", date_to="den_ngay", include_voided="da_huy"),
    StockFilterForm: dict(unit_id="don_vi", only_on_hand="con"),
    PeriodPickForm: dict(unit_id="don_vi", year="nam"),
    DisclosurePickForm: dict(unit_id="don_vi", year="nam"),
    PigFilterForm: dict(unit_id="don_vi", holder_type="loai", status="trang_thai", q="q"),
    ReportFilterForm: dict(unit_id="don_vi", year="nam", date_from="tu_ngay", date_to="den_ngay"),
    CampaignFilterForm: dict(q="q", status="trang_thai", period="ky"),
    DonationFilterForm: dict(campaign_id="dot", date_from="tu_ngay", date_to="den_ngay", method="hinh_thuc",
                             donor="nguoi", collector="nguoi_thu", include_voided="da_huy"),
    AwardFilterForm: dict(period="ky", level="cap_hoc", circumstance="hoan_canh"),
    HonoreeFilterForm: dict(period="ky", kind="loai"),
    PupilFilterForm: dict(q="q", school_id="truong", grade="khoi", village="thon", circumstance="hoan_canh"),
    LineFilterForm: dict(status="trang_thai", category="khop", statement_id="sao_ke", date_from="tu_ngay",
                         date_to="den_ngay", q="q"),
    MonthForm: dict(month="thang"),
    # The member list (issue 19, API.md): the organisation counts link here with nam / vao_nam / ra_nam.
    MemberFilterForm: dict(q="q", unit_id="don_vi", status="trang_thai", village="thon", occupation="nghe",
                           joined_in="vao_nam", ended_in="ra_nam", on_roll_in="nam"),
    ReminderForm: dict(amount="so_tien"),
}


@pytest.mark.parametrize("form_class", list(NAMES), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_filter_fields_keep_their_query_names(app, form_class):
    with app.test_request_context():
        form = form_class(MultiDict(), meta={"csrf": False})
        assert {attr: f.name for attr, f in form._fields.items()} == NAMES[form_class]
        # The label's for= and the input's id stay the parameter too (pages and tests point at them).
        assert all(f.id == f.name for f in form)


def test_a_vietnamese_parameter_fills_its_english_attribute(app):
    with app.test_request_context():
        gifts = DonationFilterForm(MultiDict({"dot": "7", "tu_ngay": "2026-01-02", "nguoi_thu": "Chi hội Đông",
                                              "da_huy": "1"}))
        assert (gifts.campaign_id.data, str(gifts.date_from.data)) == (7, "2026-01-02")
        assert (gifts.collector.data, gifts.include_voided.data) == ("Chi hội Đông", "1")
        pupils = PupilFilterForm(MultiDict({"khoi": "5", "thon": "Đông"}))
        assert (pupils.grade.data, pupils.village.data) == (5, "Đông")
        assert 'name="thon"' in str(pupils.village())
        # The collection sheet's "add rows" count is posted as so_dong.
        sheet = BatchForm(MultiDict({"so_dong": "15"}), meta={"csrf": False})
        assert sheet.more_rows.data == 15 and sheet.more_rows.name == "so_dong"
