"""Bank transfers (issue 17): a unit's bank accounts, a VietQR on everything people pay, bank
statements and live notifications matched back to gifts by payment code, and the monthly
reconciliation of each account against the book.

    models      BankAccount, BankStatement, BankLine
    napas       the NAPAS bank list (BIN)
    vietqr      the EMVCo payload and its CRC; qr: the SVG
    codes       payment codes (make one for what is paid, find them in a bank's description)
    statements  one reader per bank's export layout, plus the generic mapping
    matching    a line -> the gift or book entry it most likely is
    services    accounts, saving a statement, confirming lines into gifts (the rules)
    reconcile   an account's month: statement beside the book
    webhook     the optional live feed (SePay/Casso shape), HMAC per account
"""

AUDIT_ACTIONS = {"import_statement": "Nhập sao kê", "post_line": "Ghi giao dịch ngân hàng",
                 "link_line": "Khớp giao dịch với sổ", "ignore_line": "Bỏ qua giao dịch",
                 "reopen_line": "Đưa giao dịch về chờ xử lý", "webhook_key": "Đổi khóa báo có tự động"}
AUDIT_OBJECTS = {"bank_account": "Tài khoản ngân hàng", "bank_statement": "Sao kê ngân hàng",
                 "bank_line": "Giao dịch ngân hàng"}


def init_app(app):
    from app.audit import services as audit_services

    from . import models, routes  # noqa: F401

    from .codes import donor_code, drive_code
    from .demo import demo_statement_path
    from .qr import pay_box, qr_svg

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    # Globals, not context variables: a macro or an included partial sees them too.
    app.jinja_env.globals.update(pay_box=pay_box, drive_code=drive_code, donor_code=donor_code, qr_svg=qr_svg,
                                 has_demo_statement=lambda account: demo_statement_path(account).is_file())
    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.hook_bp)
