"""Commendations: criteria sets, learning-title assessments, decisions, honorees, certificates.

Printing goes through app.printing (render_pdf for short documents, background print jobs for
the attached list and a decision's certificates; see documents.py).
"""
import click

AUDIT_ACTIONS = {"issue": "Ban hành quyết định", "score": "Chấm điểm", "supersede": "Thay bằng phiên bản mới",
                 "bulk_add": "Thêm danh sách", "delete": "Xóa", "reverse_prize": "Hoàn chi tiền thưởng",
                 "pay_prize": "Chi lại tiền thưởng"}
AUDIT_OBJECTS = {"commendation_decision": "Quyết định khen thưởng", "honoree": "Người được khen",
                 "criteria_set": "Bộ tiêu chí", "title_assessment": "Đánh giá danh hiệu học tập",
                 "certificate_setting": "Mẫu giấy khen"}


def init_app(app):
    from app.audit import services as audit_services

    from . import blanks, documents, routes  # routes/__init__.py imports its modules, each adding its views to bp

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    documents.register()
    blanks.register()
    app.register_blueprint(routes.bp)
    app.cli.add_command(seed_criteria)


@click.command("seed-criteria")
def seed_criteria():
    """Add the shipped criteria sets (Gia đình học tập 2015, Công dân học tập) that are missing."""
    from app.extensions import db

    from .criteria import seed_sets

    added = seed_sets()
    db.session.commit()
    click.echo(f"Đã thêm {len(added)} bộ tiêu chí." if added else "Các bộ tiêu chí mẫu đã có sẵn.")
