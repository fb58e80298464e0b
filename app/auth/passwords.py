"""Password policy: at least 8 characters and not one of the passwords people guess first; and the
login's password check, which costs the same whether or not the username exists."""
import re

from werkzeug.security import check_password_hash

from app.vn.text import fold

MIN_LENGTH = 8

# Passwords tried first by anyone guessing: international leak lists' top entries
# and the Vietnamese favourites. Compared after folding (case, diacritics, spaces).
COMMON = {
    "12345678", "123456789", "1234567890", "123123123", "11111111", "00000000", "88888888",
    "66666666", "99999999", "12341234", "87654321", "11223344", "123456789a", "abc12345",
    "password", "password1", "password123", "passw0rd", "qwertyui", "qwerty123", "qwertyuiop",
    "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "asdfghjk", "iloveyou", "iloveyou1", "sunshine",
    "princess", "football", "baseball", "welcome1", "admin123", "administrator", "letmein1",
    "abcd1234", "aa123456", "a1234567", "matkhau", "matkhau1", "matkhau123", "matkhaumoi",
    "anhyeuem", "emyeuanh", "yeuemnhieu", "vietnam1", "vietnam123", "hanoi123", "saigon123",
    "khuyenhoc", "khuyenhoc1", "khuyenhoc123", "hoikhuyenhoc", "sokhuyenhoc", "thuquy123",
    "chutich123", "nguyenvan", "conmeo123", "hoilamgi", "changelater", "doimatkhau",
}


def password_problem(password: str, username: str = "") -> str | None:
    """The reason a password is refused, in Vietnamese, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."
    if len(password) > 128:
        return "Mật khẩu dài quá 128 ký tự."
    folded = re.sub(r"\s+", "", fold(password))
    if folded in COMMON or len(set(folded)) <= 2:
        return "Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác."
    if username and fold(username) in folded:
        return "Mật khẩu không được chứa tên đăng nhập."
    if re.fullmatch(r"\d+", folded) and folded in "01234567890123456789" + "98765432109876543210":
        return "Mật khẩu là dãy số liên tiếp, dễ bị đoán. Vui lòng chọn mật khẩu khác."
    return None


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password by the method new passwords get, made once per process and method."""
    import secrets

    from flask import current_app
    from werkzeug.security import generate_password_hash

    method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def password_matches(user, password: str) -> bool:
    """Whether `password` is this user's, doing the same hashing work when there is no such user,
    so that the time a login takes does not tell known usernames from unknown ones."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)
