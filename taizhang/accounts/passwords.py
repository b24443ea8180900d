from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    """A password holds characters of at least three classes: upper-case letters,
    lower-case letters (or other letters, e.g. Chinese), digits, symbols."""

    def validate(self, password, user=None):
        classes = [
            any(c.isupper() for c in password),
            any(c.isalpha() and not c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes"
            )

    def get_help_text(self):
        return "密码至少 10 位，包含大写字母、小写字母、数字、符号中的至少三类，不能是常见密码或与用户名相近。"
