"""Vietnamese error pages, and refused requests noted (app.audit.refusals): a signed-in user's in
the audit log, throttled and never waiting for the write lock; anonymous ones in the Python log."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError

from app.core.rendering import is_htmx

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không đúng. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép làm việc này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không có, hoặc không thuộc đơn vị của bạn."),
    405: ("Không hợp lệ", "Thao tác này không được phép theo cách đó."),
    413: ("Tệp quá lớn", "Tệp gửi lên vượt quá dung lượng cho phép."),
    422: ("Dữ liệu chưa đúng", "Vui lòng kiểm tra lại các ô được đánh dấu."),
    429: ("Thử quá nhiều lần", "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu chưa được ghi. Vui lòng thử lại sau."),
}


def error_page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    who, grant = _who_may() if code == 403 else ("", False)
    return render_template(template, code=code, title=title, message=detail or message, who=who,
                           grant=grant), code


def _who_may() -> tuple[str, bool]:
    """("Thủ quỹ / kế toán hoặc cán bộ nhập liệu", whether this user may grant roles) for the action
    authorize() refused; ("", False) when the refusal named no action."""
    from flask import g
    from flask_login import current_user

    from app.core.authz import can, who_can

    action = g.get("refused_action")
    if not action:
        return "", False
    return who_can(action), can(current_user, "user.manage")


def _log_refusal(code: int):
    from app.audit.services import record_refusal

    record_refusal(code, request.method, request.path)


def init_app(app):
    def handler(code):
        def _handle(err):
            if code in (403, 404, 429) or (code == 400 and isinstance(err, CSRFError)):
                _log_refusal(code)
            elif code == 500:
                # The failed request may have left its transaction broken; the error page reads the
                # signed-in user, which would fail again and end in a bare English 500.
                from app.extensions import db

                db.session.rollback()
            detail = None
            if isinstance(err, CSRFError):
                detail = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại."
            return error_page(code, detail)

        return _handle

    for code in MESSAGES:
        app.register_error_handler(code, handler(code))
    app.register_error_handler(CSRFError, handler(400))

    @app.teardown_request
    def _flush_refusals(_exc):
        # Refusal rows held back while another writer had the lock: written by the next request
        # that ends with the lock free (a no-wait try; a dict lookup when nothing waits).
        from app.audit.refusals import log, refusal_log

        refusals = refusal_log(app)
        if refusals.pending:
            try:
                refusals.flush()
            except Exception:
                log.exception("could not write held-back refusal records")
