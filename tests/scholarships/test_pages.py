"""Every page of pupils and scholarships answers plainly and to htmx (fragment where it has one)."""
import pytest

from tests.factories_scholarships import scholarship_world


def _sponsorship_id(side):
    from sqlalchemy import select

    from app.extensions import db
    from app.pupils.models import Sponsorship

    return db.session.scalar(select(Sponsorship.id).where(Sponsorship.pupil_id == side.pupil.id))


# (url builder, role, has a fragment for htmx)
PAGES = {
    "pupils.index": (lambda s: "/hoc-sinh/?q=khue", "viewer", True),
    "pupils.create": (lambda s: "/hoc-sinh/moi", "clerk", True),
    "pupils.detail": (lambda s: f"/hoc-sinh/{s.pupil.id}", "viewer", False),
    "pupils.edit": (lambda s: f"/hoc-sinh/{s.pupil.id}/sua", "clerk", True),
    "pupils.add_result": (lambda s: f"/hoc-sinh/{s.pupil.id}/ket-qua", "clerk", True),
    "pupils.add_achievement": (lambda s: f"/hoc-sinh/{s.pupil.id}/thanh-tich", "clerk", True),
    "pupils.add_sponsorship": (lambda s: f"/hoc-sinh/{s.pupil.id}/do-dau", "clerk", True),
    "pupils.edit_record": (lambda s: f"/hoc-sinh/do-dau/{_sponsorship_id(s)}/sua", "clerk", True),
    "pupils.delete_record": (lambda s: f"/hoc-sinh/do-dau/{_sponsorship_id(s)}/xoa", "clerk", False),
    "pupils.duplicates": (lambda s: "/hoc-sinh/trung-lap", "clerk", False),
    "pupils.merge": (lambda s: f"/hoc-sinh/{s.pupil.id}/gop/{s.pupil2.id}", "clerk", False),
    "pupils.schools": (lambda s: "/hoc-sinh/truong/", "viewer", False),
    "pupils.school_create": (lambda s: "/hoc-sinh/truong/moi", "clerk", True),
    "pupils.school_edit": (lambda s: f"/hoc-sinh/truong/{s.school.id}/sua", "clerk", True),
    "pupils.import_upload": (lambda s: "/hoc-sinh/nhap-excel", "clerk", True),
    "scholarships.index": (lambda s: "/hoc-bong/", "viewer", False),
    "scholarships.round_create": (lambda s: "/hoc-bong/moi", "treasurer", True),
    "scholarships.round_edit": (lambda s: f"/hoc-bong/{s.round.id}/sua", "treasurer", True),
    "scholarships.round_detail": (lambda s: f"/hoc-bong/{s.round.id}", "admin", True),
    "scholarships.category_create": (lambda s: f"/hoc-bong/{s.round.id}/loai-moi", "treasurer", True),
    "scholarships.category_edit": (lambda s: f"/hoc-bong/loai/{s.category.id}/sua", "treasurer", True),
    "scholarships.nominate": (lambda s: f"/hoc-bong/{s.round.id}/de-cu?q=khue&hoc_sinh={s.pupil.id}", "clerk", True),
    "scholarships.reject_one": (lambda s: f"/hoc-bong/de-cu/{s.pending.id}/khong-duyet", "admin", True),
    "scholarships.import_upload": (lambda s: f"/hoc-bong/{s.round.id}/nhap-excel", "clerk", True),
    "scholarships.payout_page": (lambda s: f"/hoc-bong/{s.round.id}/chi-tra", "treasurer", True),
    "scholarships.reverse": (lambda s: f"/hoc-bong/de-cu/{s.paid.id}/hoan-chi", "treasurer", True),
    "scholarships.summary": (lambda s: f"/hoc-bong/{s.round.id}/tong-ket", "viewer", False),
    "scholarships.awards_list": (lambda s: "/hoc-bong/suat-hoc-bong?cap_hoc=lower_secondary", "viewer", True),
}
FILES = {
    "pupils.export": (lambda s: "/hoc-sinh/xuat.xlsx?q=khue", "viewer"),
    "pupils.import_template": (lambda s: "/hoc-sinh/nhap-excel/mau.xlsx", "clerk"),
    "scholarships.template": (lambda s: f"/hoc-bong/{s.round.id}/mau-excel", "clerk"),
    "scholarships.export": (lambda s: f"/hoc-bong/{s.round.id}/xuat-excel", "viewer"),
    "scholarships.sheet_pdf": (lambda s: f"/hoc-bong/{s.round.id}/danh-sach-ky-nhan?truong={s.school.id}", "viewer"),
    "scholarships.summary_pdf": (lambda s: f"/hoc-bong/{s.round.id}/tong-ket.pdf", "viewer"),
    "pupils.schools_export": (lambda s: "/hoc-sinh/truong/xuat.xlsx", "viewer"),
    "scholarships.rounds_export": (lambda s: "/hoc-bong/xuat.xlsx", "viewer"),
    "scholarships.payout_export": (lambda s: f"/hoc-bong/{s.round.id}/chi-tra/xuat.xlsx", "treasurer"),
    "scholarships.awards_export": (lambda s: "/hoc-bong/suat-hoc-bong/xuat.xlsx?hoan_canh=poor", "viewer"),
}


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_page_plain_and_htmx(world, as_user, endpoint):
    url_of, role, fragment = PAGES[endpoint]
    client = as_user(world.users[role])
    url = url_of(scholarship_world(world).own)
    plain = client.get(url)
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)
    htmx = client.get(url, htmx=True)
    assert htmx.status_code == 200
    assert ("<html" not in htmx.get_data(as_text=True)) == fragment
    assert 'style="' not in plain.get_data(as_text=True).split("<main", 1)[1]  # CSP: no inline styles


@pytest.mark.parametrize("endpoint", sorted(FILES))
def test_downloads_answer_plain_and_htmx(world, as_user, endpoint):
    url_of, role = FILES[endpoint]
    client = as_user(world.users[role])
    url = url_of(scholarship_world(world).own)
    for htmx in (False, True):
        resp = client.get(url, htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype in ("application/pdf", "application/vnd.openxmlformats-"
                                                             "officedocument.spreadsheetml.sheet")


def test_all_routes_of_the_two_packages_are_covered_here_or_post_only(app):
    gets = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.split(".")[0] in ("pupils", "scholarships") and "GET" in r.methods}
    assert gets == set(PAGES) | set(FILES)
