"""Forms of the commendation domain (every text NFC-normalised by BaseForm)."""
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.authz import is_id
from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (re-exported for the views)
from app.core.idempotency import IdempotentForm

from app.scholarships.forms import goods_fields

from .models import AWARD_FORMS, BORDERS, GROUPINGS, HONOREE_KINDS, PAPERS, PAYMENT_MODES, TITLE_KINDS


def _prize(label):
    """A prize amount: blank means none (0), 0 is allowed."""
    return MoneyField(label, required=False, allow_zero=True, empty=0)


class DecisionForm(IdempotentForm):
    unit_id = SelectField("Đơn vị ra quyết định", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    number = StringField("Số quyết định", validators=[DataRequired("Vui lòng nhập số quyết định."),
                                                      Length(max=40, message="Dài quá 40 ký tự.")])
    decision_date = DateField("Ngày quyết định", format="%Y-%m-%d",
                              validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    place = StringField("Địa danh (ghi trước ngày tháng)", validators=[Length(max=100)])
    title = StringField("Trích yếu", validators=[DataRequired("Vui lòng nhập trích yếu."), Length(max=300)])
    list_title = StringField("Tên danh sách kèm theo", validators=[Length(max=300)])
    bases = TextAreaField("Căn cứ (mỗi dòng một căn cứ)", validators=[Length(max=4000)])
    proposal = StringField("Xét đề nghị của", validators=[Length(max=300)])
    executors = StringField("Điều 3: tổ chức, cá nhân thi hành", validators=[Length(max=500)])
    recipients = TextAreaField("Nơi nhận (mỗi dòng một nơi)", validators=[Length(max=2000)])
    signer_title = TextAreaField("Chức danh người ký (mỗi dòng một dòng in)", validators=[Length(max=120)])
    signer_name = StringField("Họ tên người ký", validators=[Length(max=120)])
    award_form = SelectField("Hình thức khen thưởng", choices=list(AWARD_FORMS.items()))
    default_amount = _prize("Mức thưởng mỗi người (đồng)")
    fund_id = SelectField("Quỹ chi tiền thưởng", coerce=int)
    payment_mode = SelectField("Cách ghi sổ quỹ", choices=list(PAYMENT_MODES.items()))
    school_year = StringField("Năm học (in trên giấy khen)", validators=[Length(max=9)])
    group_by = SelectField("Danh sách", choices=list(GROUPINGS.items()))


# The prize in goods (AWARD-GOODS): item, unit, quantity; the decision's is the default for new lines.
goods_fields(DecisionForm, "default_goods", "mỗi người")


class HonoreeForm(BaseForm):
    name = StringField("Họ và tên (hoặc tên tập thể)", validators=[DataRequired("Vui lòng nhập họ và tên."),
                                                                   Length(max=250)])
    kind = SelectField("Đối tượng", choices=list(HONOREE_KINDS.items()))
    collective = BooleanField("Là tập thể (giữ nguyên tên, không tách họ tên)")
    birth_text = StringField("Ngày sinh hoặc năm sinh", validators=[Length(max=10)])
    place = StringField("Lớp, trường hoặc thôn, ấp", validators=[Length(max=200)])
    achievement = TextAreaField("Thành tích", validators=[Length(max=300, message="Dài quá 300 ký tự.")])
    amount = _prize("Tiền thưởng (đồng)")
    note = StringField("Ghi chú", validators=[Length(max=200)])
    # The pupil or donor record picked for this line (ids, checked by the service against the unit).
    pupil_id = HiddenField()
    donor_id = HiddenField()
    member_id = HiddenField()  # a volunteer picked in the member register (issue 19)
    unlink = BooleanField("Bỏ liên kết với hồ sơ này")

    def link_ids(self) -> tuple[int | None, int | None]:
        """(pupil id, donor id) as posted; a tampered value reads as no link."""
        if self.unlink.data:
            return None, None
        return _int(self.pupil_id.data), _int(self.donor_id.data)

    def member_link(self) -> int | None:
        """The member id as posted (None when unlinked or tampered with)."""
        return None if self.unlink.data else _int(self.member_id.data)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_id(number) else None


goods_fields(HonoreeForm, "goods", "")


class PasteForm(BaseForm):
    text = TextAreaField("Danh sách (mỗi dòng một người; có thể thêm dấu Tab rồi thành tích)",
                         validators=[DataRequired("Vui lòng dán danh sách.")])
    kind = SelectField("Đối tượng", choices=list(HONOREE_KINDS.items()))
    collective = BooleanField("Các dòng là tên tập thể")


class ImportForm(BaseForm):
    file = FileField("Tệp Excel (.xlsx) theo mẫu")
    kind = SelectField("Đối tượng (cho các dòng để trống cột “Đối tượng”)", choices=list(HONOREE_KINDS.items()))


class ConfirmImportForm(IdempotentForm):
    token = HiddenField(validators=[DataRequired("Phiên nhập đã hết hạn, vui lòng tải tệp lên lại.")])


class RoundSourceForm(BaseForm):
    round_id = SelectField("Đợt học bổng", coerce=int, validators=[DataRequired("Vui lòng chọn đợt.")])


class CampaignSourceForm(BaseForm):
    campaign_id = SelectField("Đợt vận động", coerce=int, validators=[DataRequired("Vui lòng chọn đợt.")])
    min_amount = MoneyField("Ủng hộ từ (đồng)")


class AssessmentSourceForm(BaseForm):
    year = IntegerField("Năm", validators=[InputRequired("Vui lòng nhập năm."), NumberRange(1990, 2100)])
    kind = SelectField("Danh hiệu", choices=[("", "Tất cả danh hiệu")] + list(TITLE_KINDS.items()))


class CriteriaSetForm(BaseForm):
    title_kind = SelectField("Danh hiệu", choices=list(TITLE_KINDS.items()))
    name = StringField("Tên bộ tiêu chí", validators=[DataRequired("Vui lòng nhập tên."), Length(max=200)])
    year = IntegerField("Năm áp dụng", validators=[InputRequired("Vui lòng nhập năm."), NumberRange(1990, 2100)])
    criteria = TextAreaField("Tiêu chí (mỗi dòng: tên tiêu chí | điểm tối đa)",
                             validators=[DataRequired("Vui lòng nhập tiêu chí.")])
    pass_total = IntegerField("Tổng điểm tối thiểu để đạt", validators=[InputRequired("Vui lòng nhập điểm đạt.")])
    min_each = IntegerField("Không tiêu chí nào dưới (điểm, 0 nếu không quy định)", default=0,
                            validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Length(max=1000)])


class AssessmentForm(IdempotentForm):
    unit_id = SelectField("Đơn vị (chi hội)", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    criteria_set_id = SelectField("Bộ tiêu chí", coerce=int, validators=[DataRequired("Vui lòng chọn.")])
    name = StringField("Tên (chủ hộ, dòng họ, thôn, đơn vị hoặc công dân)",
                       validators=[DataRequired("Vui lòng nhập tên."), Length(max=200)])
    year = IntegerField("Năm", validators=[InputRequired("Vui lòng nhập năm."), NumberRange(1990, 2100)])
    village = StringField("Thôn, ấp, tổ dân phố", validators=[Length(max=200)])
    note = StringField("Ghi chú", validators=[Length(max=300)])


def score_form(cset, data=None, scores=None):
    """A form with one whole-number field per criterion of `cset` (c0, c1, ...)."""

    class ScoreForm(BaseForm):
        pass

    for i, c in enumerate(cset.criteria):
        setattr(ScoreForm, f"c{i}", IntegerField(
            f"{c['name']} (tối đa {c['max']})",
            validators=[InputRequired("Vui lòng nhập điểm."),
                        NumberRange(0, int(c["max"]), message=f"Điểm từ 0 đến {c['max']}.")]))
    form = ScoreForm(formdata=data) if data is not None else ScoreForm()
    if data is None and scores:
        for i, s in enumerate(scores):
            form[f"c{i}"].data = s
    form.score_fields = [form[f"c{i}"] for i in range(len(cset.criteria))]
    return form


class SettingForm(BaseForm):
    issuer_line = StringField("Cơ quan tặng (dòng trên chữ TẶNG)", validators=[Length(max=200)])
    title = StringField("Tiêu đề", validators=[DataRequired("Vui lòng nhập tiêu đề."), Length(max=60)])
    border = SelectField("Kiểu viền (mẫu trang trí)", choices=list(BORDERS.items()))
    paper = SelectField("Khổ giấy", choices=list(PAPERS.items()))
    logo = SelectField("Biểu trưng", choices=[])
    signer_title = TextAreaField("Chức danh người ký", validators=[Length(max=120)])
    signer_name = StringField("Họ tên người ký", validators=[Length(max=120)])
    place = StringField("Địa danh", validators=[Length(max=100)])
    # Lời khen per kind (certificates.WORDING_KINDS); "[thành tích]" marks where the line's text goes.
    wording_scholarship = StringField("Lời khen: học bổng", validators=[Length(max=200)])
    wording_achievement = StringField("Lời khen: thành tích học tập, giảng dạy", validators=[Length(max=200)])
    wording_title = StringField("Lời khen: danh hiệu học tập", validators=[Length(max=200)])
    wording_donor = StringField("Lời khen: nhà hảo tâm", validators=[Length(max=200)])
    wording_volunteer = StringField("Lời khen: cán bộ, hội viên, tình nguyện viên", validators=[Length(max=200)])

    # Only for the preview ("Xem mẫu cho"): which kind's wording the sample shows; never saved.
    sample = SelectField("Xem mẫu cho", name="mau", validate_choice=False, default="achievement", choices=[
        ("scholarship", "Học bổng"), ("achievement", "Thành tích học tập, giảng dạy"),
        ("title", "Danh hiệu học tập"), ("donor", "Nhà hảo tâm"),
        ("volunteer", "Cán bộ, hội viên, tình nguyện viên")])

    def wording(self) -> dict:
        return {k: getattr(self, f"wording_{k}").data for k in WORDING_FIELDS}

    def values(self) -> dict:
        """What certificates.save_setting and unsaved_setting take."""
        return {"issuer_line": self.issuer_line.data, "title": self.title.data, "border": self.border.data,
                "logo": self.logo.data, "signer_title": self.signer_title.data, "signer_name": self.signer_name.data,
                "place": self.place.data, "wording": self.wording(), "paper": self.paper.data}


WORDING_FIELDS = ("scholarship", "achievement", "title", "donor", "volunteer")


class HonoreeFilterForm(BaseForm):
    """The honorees list's filters (GET): period and kind."""
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: the reports link here with them.
    period = SelectField("Kỳ", name="ky", validate_choice=False)
    kind = SelectField("Đối tượng", name="loai", validate_choice=False)


class PrizeReverseForm(BaseForm):
    """Hoàn chi tiền thưởng: the reason is written on the ledger's reversal entry."""
    reason = TextAreaField("Lý do hoàn chi", validators=[
        DataRequired("Vui lòng nhập lý do hoàn chi."), Length(max=500, message="Quá 500 ký tự.")])


class LinesConfirmForm(IdempotentForm):
    """The confirm page of an action on many lines (app.commendations.lines): CSRF and the double-submit key."""


class LinesPayForm(IdempotentForm):
    """Chi lại many prizes: the date and the total typed as a control (app.commendations.lines.pay_many)."""
    paid_on = DateField("Ngày chi", format="%Y-%m-%d", render_kw={"type": "date"},
                        validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    control_total = MoneyField("Tổng tiền kiểm tra (cộng trên danh sách)", allow_zero=True)


class PrizePayForm(IdempotentForm):
    """Chi lại tiền thưởng after a reversal: a new phiếu chi dated `paid_on`."""
    paid_on = DateField("Ngày chi", format="%Y-%m-%d", render_kw={"type": "date"},
                        validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
