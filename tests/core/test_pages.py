"""The page shell: Vietnamese error pages, htmx configuration, no external resources."""
import json
import re

from tests.conftest import login


def test_unhandled_error_gives_vietnamese_500_page_and_nothing_written(app, client):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    resp = client.get("/_boom")
    assert resp.status_code == 500
    assert "Lỗi hệ thống" in resp.get_data(as_text=True)


def test_unknown_page_is_404_in_vietnamese(client):
    resp = client.get("/khong-co-trang-nay")
    assert resp.status_code == 404 and "Không tìm thấy" in resp.get_data(as_text=True)


def test_htmx_is_configured_safely_by_meta_tag(client):
    body = client.get("/dang-nhap").get_data(as_text=True)
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", body).group(1))
    assert config["selfRequestsOnly"] is True and config["allowEval"] is False
    assert config["allowScriptTags"] is False and config["historyCacheSize"] == 0
    assert {"code": "422", "swap": True} in config["responseHandling"]
    assert re.search(r'<script src="/static/vendor/htmx.min.js\?v=\w+" defer>', body)


def test_pages_load_nothing_from_other_hosts_and_have_no_inline_code(client, world):
    login(client, world.users["admin"])
    for path in ["/dang-nhap", "/", "/don-vi/", "/nguoi-dung/", "/nhat-ky/", f"/don-vi/{world.branch.id}"]:
        body = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', body), path
        assert "<script>" not in body and " style=\"" not in body and "<style" not in body, path
        assert re.search(r" on[a-z]+=", body) is None, path


def test_every_form_on_foundation_pages_is_a_real_post_with_csrf(client, world):
    login(client, world.users["admin"])
    for path in ["/don-vi/moi", f"/don-vi/{world.branch.id}/sua", "/nguoi-dung/moi", "/doi-mat-khau",
                 f"/don-vi/{world.branch.id}/trang-thai"]:
        body = client.get(path).get_data(as_text=True)
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", body, re.S):
            assert 'name="csrf_token"' in form, path
            assert 'type="submit"' in form, path


def test_builtin_form_messages_are_vietnamese(app):
    from wtforms import DateField, IntegerField, SelectField

    from app.core.forms import BaseForm

    class F(BaseForm):
        class Meta:
            csrf = False

        day = DateField("Ngày")
        count = IntegerField("Số")
        pick = SelectField("Chọn", choices=[("a", "A")])

    with app.test_request_context(method="POST", data={"day": "31/02/2026", "count": "x", "pick": "zz"}):
        form = F()
        assert not form.validate()
        assert form.day.errors == ["Ngày không hợp lệ (ví dụ đúng: 05/02/2026)."]
        assert form.count.errors == ["Vui lòng nhập một số nguyên."]
        assert form.pick.errors == ["Lựa chọn không hợp lệ."]
