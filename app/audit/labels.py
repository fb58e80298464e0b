"""The Vietnamese names of audit actions and object types: one registry, read at request time.

The audit module names its own; every domain adds its names while the app is built
(`register_labels()` in its init_app). Readers (the log page's filter and rows, the export) read
these dicts when they answer, never copy them at import: a copy taken then would miss the
domains registered later (the filter offered 11 of 30 actions).
"""

ACTION_LABELS = {
    "create": "Tạo mới",
    "update": "Sửa",
    "move": "Chuyển đơn vị cấp trên",
    "deactivate": "Ngừng hoạt động",
    "activate": "Kích hoạt lại",
    "reset_password": "Đặt lại mật khẩu",
    "change_password": "Đổi mật khẩu",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "refused": "Bị từ chối truy cập",
}

OBJECT_LABELS = {"": "Mọi đối tượng", "unit": "Đơn vị", "user_account": "Người dùng", "request": "Truy cập"}


def register_labels(actions: dict | None = None, objects: dict | None = None) -> None:
    """Let a domain name its own audit actions and object types in the log's Vietnamese filters."""
    for key, label in (actions or {}).items():
        ACTION_LABELS.setdefault(key, label)
    for key, label in (objects or {}).items():
        OBJECT_LABELS.setdefault(key, label)
