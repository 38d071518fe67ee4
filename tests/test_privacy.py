"""Privacy scan: what counts as personal data, where it is found, what passes."""

from sitegen.domain.privacy import is_resident_id, luhn, mask, scan


def found(text: str, **kwargs) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in scan(text, "f", **kwargs)]


def test_resident_ids_need_checksum_and_birth_date() -> None:
    assert is_resident_id("11010519491231002X")
    assert not is_resident_id("110105194912310021")  # wrong check digit
    assert not is_resident_id("11010519491331002X")  # month 13
    assert is_resident_id("110105491231002")  # old 15-digit form
    assert found("身份证：11010519491231002x") == [(1, 5)]
    assert found("编号 110105194912310021") == []


def test_mobile_numbers_with_separators_and_the_official_field() -> None:
    text = "a: 13812345678\nb: 138 1234 5678 和 139-1234-5678\nc: 0571-87654321\nd: 12812345678\n"
    assert found(text) == [(1, 4), (2, 4), (2, 20)]
    assert found("phone: 13812345678\n", phone_positions=[(1, 8)]) == []


def test_bank_cards_need_luhn() -> None:
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert found("卡号 4111 1111 1111 1111") == [(1, 4)]
    assert found("卡号 4111 1111 1111 1112") == []


def test_allow_list_matches_digits_only() -> None:
    assert found("4111-1111-1111-1111", allow=["4111 1111 1111 1111"]) == []


def test_messages_mask_the_number() -> None:
    (d,) = scan("13812345678", "f")
    assert "13812345678" not in d.message and "138******78" in d.message
    assert mask("11010519491231002X") == "110*************2X"


def test_dates_codes_and_landlines_pass() -> None:
    assert found("founded: 2021-01-01\ncredit_code: 51330106MJ8765432X\nphone: 0571-87654321\nn: 20210101\n") == []
