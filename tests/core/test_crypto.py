import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.core import crypto

CTX = crypto.FieldContext("care_client", "referral_reason", "row-1", "client-1")


@given(st.text(max_size=500))
def test_round_trip(text: str) -> None:
    key = crypto.new_key()
    assert crypto.decrypt_text(key, crypto.encrypt_text(key, text, CTX), CTX) == text


def test_same_text_encrypts_differently_each_time() -> None:
    key = crypto.new_key()
    assert crypto.encrypt_text(key, "same", CTX) != crypto.encrypt_text(key, "same", CTX)


@pytest.mark.parametrize(
    "other",
    [
        crypto.FieldContext("care_episode", "referral_reason", "row-1", "client-1"),
        crypto.FieldContext("care_client", "notes", "row-1", "client-1"),
        crypto.FieldContext("care_client", "referral_reason", "row-2", "client-1"),
        crypto.FieldContext("care_client", "referral_reason", "row-1", "client-2"),
    ],
)
def test_ciphertext_is_bound_to_its_table_field_row_and_client(other: crypto.FieldContext) -> None:
    key = crypto.new_key()
    token = crypto.encrypt_text(key, "private", CTX)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(key, token, other)


def test_wrong_key_and_tampering_fail() -> None:
    key = crypto.new_key()
    token = crypto.encrypt_text(key, "private", CTX)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(crypto.new_key(), token, CTX)
    raw = bytearray(crypto.base64.b64decode(token))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(key, crypto.base64.b64encode(bytes(raw)).decode(), CTX)


def test_wrapped_data_key_is_bound_to_client_and_kek() -> None:
    kek, data_key = crypto.new_key(), crypto.new_key()
    wrapped = crypto.wrap_key(kek, data_key, "client-1")
    assert crypto.unwrap_key(kek, wrapped, "client-1") == data_key
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(kek, wrapped, "client-2")
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(crypto.new_key(), wrapped, "client-1")


def test_key_files_must_hold_32_bytes() -> None:
    assert crypto.load_key(crypto.dump_key(b"k" * 32)) == b"k" * 32
    for bad in ["", "not base64!", crypto.dump_key(b"short")]:
        with pytest.raises(ValueError):
            crypto.load_key(bad)
