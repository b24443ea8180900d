"""Checks of codes used in the orgs ledgers. Each returns the normalised value or raises
CellError with the reason in Chinese."""

import re

from taizhang.core.cells import CellError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights of the check character.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def mobile_number(value: str) -> str:
    digits = value.removeprefix("+86").removeprefix("86") if len(value) > 11 else value
    if not digits.isdigit() or len(digits) != 11:
        raise CellError(f"“{value}”不是 11 位手机号码")
    if not _MOBILE.match(digits):
        raise CellError(f"“{value}”不是有效的大陆手机号码")
    return digits


def credit_check_character(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code(value: str) -> str:
    code = value.upper()
    if len(code) != 18:
        raise CellError(f"“{value}”应为 18 位统一社会信用代码（现为 {len(code)} 位）")
    bad = [c for c in code if c not in CREDIT_CHARSET]
    if bad:
        raise CellError(f"“{value}”含有不允许的字符“{bad[0]}”")
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        raise CellError(f"“{value}”校验码错误（第 18 位应为“{expected}”）")
    return code
