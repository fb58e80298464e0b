"""The year-report sentences say exactly what the data says."""
import pytest

from app.reports import sentences
from app.reports.periods import school_year
from app.reports.rollup import AwardFacts, Summary
from app.reports.yearreport import build
from tests.factories_reports import report_world


def test_the_seed_article_sentences_come_out_word_for_word():
    awards = AwardFacts(awards=183, amount=160_500_000, pupils=183, kinds=frozenset({"hardship"}), goods=True,
                        students=True)
    assert sentences.scholarship_clause(awards) == (
        "cấp học bổng và tập sách cho 183 em học sinh, sinh viên có hoàn cảnh khó khăn, "
        "tổng số tiền 160.500.000 đồng")
    pigs = Summary(pig_openings=40, pig_counted=20_350_000, pig_to_fund=20_350_000, pig_units=12)
    assert sentences.piggy_clause(pigs, only_unit=False) == (
        "mô hình nuôi heo đất khuyến học ở 12 chi hội thu được 20.350.000 đồng qua 40 lần mổ heo")


@pytest.mark.parametrize("kinds, goods, students, expected", [
    ({"achievement"}, False, False, "cấp học bổng cho 5 em học sinh có thành tích tốt trong học tập"),
    ({"hardship", "achievement"}, False, True,
     "cấp học bổng cho 5 em học sinh, sinh viên có hoàn cảnh khó khăn và có thành tích tốt trong học tập"),
    ({"sponsorship"}, True, False, "cấp học bổng và tập sách cho 5 em học sinh có hoàn cảnh khó khăn"),
])
def test_scholarship_words_follow_the_categories_and_levels(kinds, goods, students, expected):
    a = AwardFacts(awards=5, amount=0, pupils=5, kinds=frozenset(kinds), goods=goods, students=students)
    assert sentences.scholarship_clause(a) == expected


def test_zero_figures_leave_their_clause_out():
    assert sentences.clauses(Summary(), AwardFacts(), {}, only_unit=True) == []
    assert sentences.paragraph("Chi hội ấp Tân Lộc", "năm 2026", []) == (
        "Năm 2026, Chi hội ấp Tân Lộc chưa có số liệu được ghi nhận.")


def test_a_single_branch_is_not_called_one_chi_hoi_and_kept_money_is_explained():
    s = Summary(pig_openings=3, pig_counted=450_000, pig_kept=450_000, pig_units=1)
    assert sentences.piggy_clause(s, only_unit=True) == (
        "mô hình nuôi heo đất khuyến học thu được 450.000 đồng qua 3 lần mổ heo "
        "(các gia đình giữ lại lo cho con em đi học)")


def test_the_year_report_sentences_match_the_data(app):
    w = report_world()
    rep = build(w.P, school_year(2025))
    assert rep.clauses == [
        "vận động được 11.300.000 đồng, trong đó tiền mặt và chuyển khoản 10.800.000 đồng, hiện vật quy ra tiền "
        "500.000 đồng (gồm 6 lượt ủng hộ của các tập thể, cá nhân, nhà hảo tâm với 4.900.000 đồng, 400.000 đồng "
        "từ heo đất khuyến học nộp quỹ, 6.000.000 đồng các khoản thu khác)",
        "cấp học bổng và tập sách cho 3 em học sinh có hoàn cảnh khó khăn và có thành tích tốt trong học tập "
        "(4 suất), tổng số tiền 4.000.000 đồng",
        "mô hình nuôi heo đất khuyến học ở 2 chi hội thu được 650.000 đồng qua 3 lần mổ heo (400.000 đồng nộp "
        "quỹ, 250.000 đồng các gia đình giữ lại lo cho con em đi học)",
        "khen thưởng 2 tập thể, cá nhân; công nhận 1 “Gia đình học tập”, tổng số tiền thưởng 200.000 đồng",
    ]
    assert rep.paragraph.startswith("Năm học 2025-2026, Hội Khuyến học tỉnh Thử Báo Cáo đã vận động được ")
    assert rep.paragraph.endswith("tổng số tiền thưởng 200.000 đồng.")
    # 900.000 before the year + 10.800.000 raised in money - 2.000.000 spent + the voided donation (3.000.000)
    # and pig count (999.000): both were voided after 31/08/2026, so on that day the books still held them.
    # The 50 notebooks (500.000 đ) are goods: in stock, not in the fund.
    assert rep.balance_sentence == ("Số dư Quỹ khuyến học đến ngày 31/08/2026 là 13.699.000 đồng. "
                                    "Hiện vật còn trong kho quy ra tiền 500.000 đồng.")
