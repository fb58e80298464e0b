"""The sentences associations write in their year reports, generated from the figures.

Modelled on what communes publish, e.g. "cấp học bổng và tập sách cho 183 em học sinh, sinh viên
có hoàn cảnh khó khăn, tổng số tiền 160.500.000 đồng; mô hình nuôi heo đất khuyến học ở 12 chi hội
thu được 20.350.000 đồng". Amounts are exact ("160.500.000 đồng"), never rounded to "hơn 160 triệu":
the report is checked against the books. A clause is left out when its figure is zero.
"""
from app.commendations.models import HONOREE_KINDS, TITLE_KINDS
from app.vn.money import format_number

from .rollup import AwardFacts, Summary


def _n(value: int) -> str:
    return format_number(value)


def why(kinds) -> str:
    """The reason words, as app.scholarships.services.report_sentence words them."""
    kinds = set(kinds)
    if kinds <= {"hardship", "sponsorship"}:
        return "có hoàn cảnh khó khăn"
    if kinds == {"achievement"}:
        return "có thành tích tốt trong học tập"
    return "có hoàn cảnh khó khăn và có thành tích tốt trong học tập"


def raised_clause(s: Summary) -> str:
    """"vận động được 11.300.000 đồng, trong đó tiền mặt và chuyển khoản 10.800.000 đồng, hiện vật
    quy ra tiền 500.000 đồng (gồm ...)": money and goods apart and together (goods are not in the
    fund, so "cho Quỹ khuyến học" is said only of money alone)."""
    if not s.raised:
        return ""
    parts = []
    if s.donation_count:
        parts.append(f"{_n(s.donation_count)} lượt ủng hộ của các tập thể, cá nhân, nhà hảo tâm "
                     f"với {_n(s.donation_amount)} đồng")
    if s.pig_to_fund:
        parts.append(f"{_n(s.pig_to_fund)} đồng từ heo đất khuyến học nộp quỹ")
    if s.other_income:
        parts.append(f"{_n(s.other_income)} đồng các khoản thu khác")
    if not s.goods_raised:
        text = f"vận động được {_n(s.raised)} đồng cho Quỹ khuyến học"
        if len(parts) > 1 or (parts and not s.donation_count):
            return text + ", trong đó " + ", ".join(parts)
        return text + (" từ " + parts[0] if parts else "")
    if s.money_raised:
        text = (f"vận động được {_n(s.raised)} đồng, trong đó tiền mặt và chuyển khoản {_n(s.money_raised)} đồng, "
                f"hiện vật quy ra tiền {_n(s.goods_raised)} đồng")
    else:
        text = f"vận động được hiện vật quy ra tiền {_n(s.goods_raised)} đồng"
    if len(parts) > 1:
        text += " (gồm " + ", ".join(parts) + ")"
    elif parts and s.money_raised:
        text += " (từ " + parts[0] + ")"
    return text


def goods_clause(s: Summary) -> str:
    """"trao hiện vật quy ra tiền 900.000 đồng (kèm học bổng 600.000 đồng, ...)": goods handed out."""
    if not s.goods_given:
        return ""
    parts = [(s.goods_given_scholarship, "kèm học bổng"), (s.goods_given_prize, "kèm khen thưởng"),
             (s.goods_given_other, "trao tặng khác")]
    parts = [(v, label) for v, label in parts if v]
    text = f"trao hiện vật quy ra tiền {_n(s.goods_given)} đồng"
    if len(parts) > 1:
        return text + " (" + ", ".join(f"{label} {_n(v)} đồng" for v, label in parts) + ")"
    if len(parts) == 1 and parts[0][1] != "trao tặng khác":
        text += " " + parts[0][1]
    return text


def scholarship_clause(a: AwardFacts) -> str:
    """"cấp học bổng và tập sách cho 183 em học sinh, sinh viên có hoàn cảnh khó khăn, tổng số
    tiền 160.500.000 đồng"."""
    if not a.awards:
        return ""
    what = "học bổng và tập sách" if a.goods else "học bổng"
    who = "học sinh, sinh viên" if a.students else "học sinh"
    text = f"cấp {what} cho {_n(a.pupils)} em {who} {why(a.kinds)}"
    if a.awards != a.pupils:
        text += f" ({_n(a.awards)} suất)"
    if a.amount:
        text += f", tổng số tiền {_n(a.amount)} đồng"
    return text


def piggy_clause(s: Summary, only_unit: bool) -> str:
    """"mô hình nuôi heo đất khuyến học ở 12 chi hội thu được 20.350.000 đồng"."""
    if not s.pig_openings:
        return ""
    where = "" if only_unit or s.pig_units <= 1 else f" ở {_n(s.pig_units)} chi hội"
    text = (f"mô hình nuôi heo đất khuyến học{where} thu được {_n(s.pig_counted)} đồng "
            f"qua {_n(s.pig_openings)} lần mổ heo")
    if s.pig_kept and s.pig_to_fund:
        text += (f" ({_n(s.pig_to_fund)} đồng nộp quỹ, {_n(s.pig_kept)} đồng các gia đình giữ lại "
                 f"lo cho con em đi học)")
    elif s.pig_kept:
        text += " (các gia đình giữ lại lo cho con em đi học)"
    return text


def commendation_clause(by_kind: dict[str, list[int]]) -> str:
    """"khen thưởng 25 tập thể, cá nhân (...), tổng số tiền thưởng ... đồng; công nhận 9 “Gia đình
    học tập”"."""
    people = {k: v for k, v in by_kind.items() if k not in TITLE_KINDS}
    titles = {k: v for k, v in by_kind.items() if k in TITLE_KINDS}
    clauses = []
    if people:
        count = sum(v[0] for v in people.values())
        detail = "; ".join(f"{_n(v[0])} {HONOREE_KINDS[k].lower()}" for k, v in people.items() if k in HONOREE_KINDS)
        text = f"khen thưởng {_n(count)} tập thể, cá nhân"
        if len(people) > 1 and detail:
            text += f" ({detail})"
        clauses.append(text)
    if titles:
        listed = ", ".join(f"{_n(v[0])} “{TITLE_KINDS[k]}”" for k, v in
                           sorted(titles.items(), key=lambda kv: list(TITLE_KINDS).index(kv[0])))
        clauses.append(f"công nhận {listed}")
    money = sum(v[1] for v in by_kind.values())
    if clauses and money:
        clauses[-1] += f", tổng số tiền thưởng {_n(money)} đồng"
    return "; ".join(clauses)


def balance_sentence(s: Summary, end_text: str) -> str:
    """The fund's cash, and the goods still in stock (valued) when there are or were any."""
    text = f"Số dư Quỹ khuyến học đến {end_text} là {_n(s.closing_balance)} đồng."
    if s.goods_closing or s.goods_opening or s.goods_received or s.goods_given:
        text += f" Hiện vật còn trong kho quy ra tiền {_n(s.goods_closing)} đồng."
    return text


def clauses(s: Summary, awards: AwardFacts, by_kind: dict[str, list[int]], *, only_unit: bool) -> list[str]:
    return [c for c in (raised_clause(s), scholarship_clause(awards), piggy_clause(s, only_unit),
                        commendation_clause(by_kind), goods_clause(s)) if c]


def paragraph(subject: str, period_label: str, parts: list[str]) -> str:
    """"Năm học 2025-2026, Hội Khuyến học xã Lai Vung đã vận động ...; cấp học bổng ...; ..."."""
    if not parts:
        return f"{period_label[:1].upper()}{period_label[1:]}, {subject} chưa có số liệu được ghi nhận."
    return f"{period_label[:1].upper()}{period_label[1:]}, {subject} đã " + "; ".join(parts) + "."


# ---- the organisation (app.members.counts): the sentences a year report opens with --------------

# "Toàn xã có ...", "Toàn tỉnh có ...", "Chi hội có ...": the subject by the unit's kind.
WHOLE = {"province": "Toàn tỉnh", "commune": "Toàn xã", "district": "Toàn huyện"}
# The noun a learning title counts ("312 gia đình đăng ký Gia đình học tập").
TITLE_NOUNS = {"family": "gia đình", "clan": "dòng họ", "community": "cộng đồng", "unit": "đơn vị",
               "citizen": "công dân"}


def percent(value: float) -> str:
    """9.6 → "9,6 %", 80.0 → "80 %" (Vietnamese decimal comma, a space before the sign)."""
    text = f"{value:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + " %"


def subject_of(kind: str) -> str:
    return WHOLE.get(kind, "Chi hội" if kind in {"village", "school", "agency", "clan", "religious"} else "Đơn vị")


def members_sentence(kind: str, year: int, on_roll: int, last_year: int, share: float | None) -> str:
    """"Toàn xã có 1.245 hội viên (tăng 87 so với năm 2025), chiếm 9,6 % dân số." ("giảm 12",
    "bằng năm 2025"; no share clause without a population)."""
    change = on_roll - last_year
    if change > 0:
        against = f"tăng {_n(change)} so với năm {year - 1}"
    elif change < 0:
        against = f"giảm {_n(-change)} so với năm {year - 1}"
    else:
        against = f"bằng năm {year - 1}"
    text = f"{subject_of(kind)} có {_n(on_roll)} hội viên ({against})"
    if share is not None:
        text += f", chiếm {percent(share)} dân số"
    return text + "."


def branches_sentence(kind: str, by_kind: dict[str, int], labels: dict[str, str]) -> str:
    """"Toàn xã có 12 chi hội, ban khuyến học (8 chi hội thôn, ấp, tổ dân phố; 4 ...)."; "" when none."""
    total = sum(by_kind.values())
    if not total:
        return ""
    parts = [f"{_n(n)} {labels[k][0].lower()}{labels[k][1:]}" for k, n in by_kind.items() if n]
    text = f"{subject_of(kind)} có {_n(total)} chi hội, ban khuyến học"
    return text + (f" ({'; '.join(parts)})" if len(parts) > 1 else "") + "."


def title_sentence(kind: str, registered: int, recognised: int) -> str:
    """"Có 312 gia đình đăng ký Gia đình học tập, 250 được công nhận (80,1 %)."; "" when none registered."""
    if not registered:
        return ""
    share = recognised * 100 / registered
    return (f"Có {_n(registered)} {TITLE_NOUNS[kind]} đăng ký {TITLE_KINDS[kind]}, {_n(recognised)} được công nhận "
            f"({percent(round(share, 1))}).")


def organisation_sentences(org) -> list[str]:
    """The organisation's sentences, in the order reports give them: chi hội, members, learning titles."""
    out = [branches_sentence(org.unit_kind, org.branches, org.branch_labels),
           members_sentence(org.unit_kind, org.year, org.members.on_roll, org.members.last_year, org.members.share)]
    out += [title_sentence(t.kind, t.registered, t.recognised) for t in org.titles]
    return [s for s in out if s]
