import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import ValidationError

from attune.accounts.models import User

pytestmark = pytest.mark.django_db


def test_argon2id_is_the_production_hasher() -> None:
    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("a long passphrase for the hasher", hasher="argon2")
    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("a long passphrase for the hasher", encoded)


def _check(password: str, user: User | None = None) -> None:
    password_validation.validate_password(password, user)


def test_length_without_mfa_is_15(cast) -> None:
    client = cast.dana
    with pytest.raises(ValidationError, match="at least 15"):
        _check("fourteen chars", client)
    _check("fifteen chars!!", client)


def test_length_with_mfa_is_8(cast) -> None:
    _check("8 chars!", cast.alice)
    with pytest.raises(ValidationError, match="at least 8"):
        _check("7 chars", cast.alice)


def test_long_passwords_and_any_characters_are_accepted(cast) -> None:
    _check("ü" * 70 + " spaces and emoji 🌿 are fine", cast.dana)
    _check("all lower case words here", cast.dana)  # no composition rules


def test_common_and_context_passwords_are_refused(cast) -> None:
    for bad in ["passwordpassword", "aaaaaaaaaaaaaaaaaaaa", "attune attune 1", "dana" + "1" * 11]:
        with pytest.raises(ValidationError):
            _check(bad, cast.dana)
