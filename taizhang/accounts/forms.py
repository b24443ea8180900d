from django import forms
from django.contrib.auth import authenticate

from .services import login_failed, login_locked_until


class LoginForm(forms.Form):
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
        locked = login_locked_until(username)
        if locked:
            raise forms.ValidationError(
                f"连续登录失败次数过多，账号已锁定至 {locked.astimezone().strftime('%H:%M')}，请稍后再试。"
            )
        self.user = authenticate(self.request, username=username, password=password)
        if self.user is None:
            login_failed(username=username)
            raise forms.ValidationError("用户名或密码错误。")
        return self.cleaned_data
