from django.core.exceptions import ValidationError


class LettersAndDigitsValidator:
    """A password holds at least one letter and one digit."""

    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError("密码须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self):
        return "密码至少 8 位，须同时包含字母和数字。"
