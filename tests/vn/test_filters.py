"""The Jinja filters, on a bare Flask object (not the project's app factory)."""

from datetime import date, datetime, timezone

import pytest
from flask import Flask, render_template_string

from app.vn import init_app


@pytest.fixture
def bare_app():
    app = Flask(__name__)
    init_app(app)
    return app


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{{ 1250000|vnd }}", "1.250.000 đ"),
        ("{{ 1250000|number }}", "1.250.000"),
        ("{{ 1250000|words }}", "Một triệu hai trăm năm mươi nghìn đồng"),
        ("{{ d|long_date }}", "ngày 05 tháng 02 năm 2026"),
        ("{{ d|short_date }}", "05/02/2026"),
        ("{{ 2025|school_year }}", "2025-2026"),
        ("{{ d|school_year }}", "2025-2026"),
        ("{{ dt|local_dt }}", "05/02/2026 14:30"),
        ("{{ 'Nguyễn Thị Đào'|fold }}", "nguyen thi dao"),
        ("{{ none|vnd }}|{{ none|words }}|{{ none|short_date }}|{{ none|local_dt }}", "|||"),
    ],
)
def test_filters_render(bare_app, template, expected):
    with bare_app.app_context():
        out = render_template_string(
            template, d=date(2026, 2, 5), dt=datetime(2026, 2, 5, 7, 30, tzinfo=timezone.utc), none=None
        )
    assert out == expected


def test_filters_read_local_settings(bare_app):
    bare_app.config.update(VN_TIMEZONE="UTC", SCHOOL_YEAR_START_MONTH=2)
    with bare_app.app_context():
        out = render_template_string(
            "{{ dt|local_dt }} {{ d|school_year }}",
            d=date(2026, 2, 5), dt=datetime(2026, 2, 5, 7, 30, tzinfo=timezone.utc),
        )
    assert out == "05/02/2026 07:30 2026-2027"
