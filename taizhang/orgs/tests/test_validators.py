import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.cells import CellError
from taizhang.orgs.validators import (
    CREDIT_CHARSET,
    credit_check_character,
    credit_code,
    mobile_number,
)

bodies = st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17)


@given(bodies)
def test_every_code_with_its_check_character_is_accepted_in_any_case(body):
    code = body + credit_check_character(body)
    assert credit_code(code.lower()) == code


@given(bodies, st.sampled_from(CREDIT_CHARSET))
def test_any_other_check_character_is_refused(body, wrong):
    if wrong == credit_check_character(body):
        wrong = CREDIT_CHARSET[(CREDIT_CHARSET.index(wrong) + 1) % 31]
    with pytest.raises(CellError, match="校验码错误"):
        credit_code(body + wrong)


@pytest.mark.parametrize(
    "code,reason", [("91350100M000100Y4", "18 位"), ("91350100M000100YI3", "不允许的字符")]
)
def test_malformed_credit_codes(code, reason):
    with pytest.raises(CellError, match=reason):
        credit_code(code)


@given(st.sampled_from("3456789"), st.integers(min_value=0, max_value=10**9 - 1))
def test_mainland_mobiles_are_accepted(second, rest):
    number = f"1{second}{rest:09d}"
    assert mobile_number(number) == number
    assert mobile_number("+86" + number) == number


@pytest.mark.parametrize("number", ["1380013800", "138001380001", "12800138000", "1380013800a"])
def test_other_numbers_are_refused(number):
    with pytest.raises(CellError):
        mobile_number(number)
