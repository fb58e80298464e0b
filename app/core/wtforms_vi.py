"""Vietnamese for WTForms' built-in messages (WTForms ships no Vietnamese catalogue).

Plugged in through BaseForm.Meta.get_translations, so a malformed date or a forged
choice is answered in Vietnamese like every other message.
"""

MESSAGES = {
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với ô %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "This field is required.": "Vui lòng điền ô này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Invalid URL.": "Địa chỉ trang web không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ, không được là: %(values)s.",
    "This field cannot be edited.": "Ô này không được sửa.",
    "This field is disabled and cannot have a value.": "Ô này đang khóa, không nhận giá trị.",
    "Invalid CSRF Token.": "Biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "CSRF token missing.": "Biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "CSRF failed.": "Biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Lựa chọn không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Not a valid choice": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Có lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải là lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "“%(value)s” không phải là lựa chọn hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ (ví dụ đúng: 05/02/2026 14:30).",
    "Not a valid date value.": "Ngày không hợp lệ (ví dụ đúng: 05/02/2026).",
    "Not a valid time value.": "Giờ không hợp lệ (ví dụ đúng: 14:30).",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
}


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()
