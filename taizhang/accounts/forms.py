from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm

from .services import (
    client_ip,
    login_failed,
    login_wait_minutes,
    password_history_check,
    throttled_message,
)


class LoginForm(forms.Form):
    """Password step. Failures are counted per (username, source) and per username; the
    message is the same whether the name exists or not."""

    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password", "")
        if not username or not password:
            return self.cleaned_data
        source = client_ip(self.request)
        wait = login_wait_minutes(username, source)
        if wait:
            raise forms.ValidationError(throttled_message(wait))
        self.user = authenticate(self.request, username=username, password=password)
        if self.user is None:
            failure = login_failed(username=username, source=source)
            raise forms.ValidationError(failure.message())
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=32)

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class TokenForm(forms.Form):
    name = forms.CharField(label="名称（用途）", max_length=64)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's change form; a wrong old password counts toward the login throttle, and
    none of the last passwords may be chosen again."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        source = client_ip(self.request)
        wait = login_wait_minutes(self.user.username, source)
        if wait:
            raise forms.ValidationError(throttled_message(wait))
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            failure = login_failed(username=self.user.username, source=source, reason="原密码错误")
            raise forms.ValidationError(failure.message("原密码不正确"))
        return old

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and not self.has_error("new_password2"):
            try:
                password_history_check(self.user, password)
            except forms.ValidationError as error:
                self.add_error("new_password2", error)
        return cleaned
