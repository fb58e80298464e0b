"""Vietnamese error pages, and refused requests noted by whoever registered a noter (the audit
domain, app.audit: a signed-in user's in the audit log, throttled and never waiting for the write
lock; anonymous ones in the Python log). Core names no domain: the noter is read per refusal from
`app.extensions[REFUSAL_NOTER]`."""
from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.core.authz import can, who_can
from app.core.rendering import is_htmx
from app.extensions import db

# app.extensions key of fn(code, method, path) noting a refused request (set by app.audit's init_app).
REFUSAL_NOTER = "note_refusal"

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không đúng. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép làm việc này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không có, hoặc không thuộc đơn vị của bạn."),
    405: ("Không hợp lệ", "Thao tác này không được phép theo cách đó."),
    413: ("Tệp quá lớn", "Tệp gửi lên vượt quá dung lượng cho phép."),
    422: ("Dữ liệu chưa đúng", "Vui lòng kiểm tra lại các ô được đánh dấu."),
    429: ("Thử quá nhiều lần", "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu chưa được ghi. Vui lòng thử lại sau."),
    # app.core.db.ServerBusy: the SQLite write queue did not reach the request in time
    503: ("Máy chủ đang bận", "Máy chủ đang bận, dữ liệu chưa được ghi. Vui lòng đợi một lát rồi gửi lại."),
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
    action = g.get("refused_action")
    if not action:
        return "", False
    return who_can(action), can(current_user, "user.manage")


def _log_refusal(code: int):
    note = current_app.extensions.get(REFUSAL_NOTER)
    if note is not None:
        note(code, request.method, request.path)


def init_app(app):
    def handler(code):
        def _handle(err):
            if code in (403, 404, 429) or (code == 400 and isinstance(err, CSRFError)):
                _log_refusal(code)
            elif code in (500, 503):
                # The failed request may have left its transaction broken; the error page reads the
                # signed-in user, which would fail again and end in a bare English 500.
                db.session.rollback()
            detail = None
            if isinstance(err, CSRFError):
                detail = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại."
            return error_page(code, detail)

        return _handle

    for code in MESSAGES:
        app.register_error_handler(code, handler(code))
    app.register_error_handler(CSRFError, handler(400))
