"""Password rules after NIST SP 800-63B-4: length, not composition; a blocklist; no forced expiry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MIN_LENGTH = 15
MIN_LENGTH_WITH_MFA = 8
MAX_LENGTH = 1024

# Common passwords and words about this service that make a guessable password.
BLOCKLIST = {
    "passwordpassword",
    "password1234567",
    "123456789012345",
    "qwertyuiopasdfg",
    "iloveyouiloveyou",
    "letmeinletmein1",
    "attuneattune123",
    "welcome12345678",
    "aaaaaaaaaaaaaaa",
    "abcdefghijklmno",
    "correcthorsebatterystaple",
    "trustno1trustno1",
    "111111111111111",
    "000000000000000",
}
CONTEXT_WORDS = (
    "attune",
    "therapy",
    "therapist",
    "clinic",
    "counselling",
    "counseling",
    "northside",
    "southside",
)


def _uses_mfa(user: Any) -> bool:
    """Staff always use MFA (they must enrol before reaching anything); others if they have set it up."""
    if user is None:
        return False
    if getattr(user, "_attune_mfa", False):
        return True
    if user.pk is None:
        return False
    from attune.accounts import mfa

    return mfa.has_mfa(user) or mfa.mfa_required(user)


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        minimum = MIN_LENGTH_WITH_MFA if _uses_mfa(user) else MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                f"Please use at least {minimum} characters. A few unrelated words work well.",
                code="too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"Please use at most {MAX_LENGTH} characters.", code="too_long")

    def get_help_text(self) -> str:
        return f"At least {MIN_LENGTH} characters. Any characters are fine, spaces included."


class BlocklistValidator:
    def validate(self, password: str, user: Any = None) -> None:
        folded = "".join(password.lower().split())
        if folded in BLOCKLIST or len(set(folded)) <= 2:
            raise ValidationError("This password is too common. Please choose another.", code="common")
        words = list(CONTEXT_WORDS)
        email = str(getattr(user, "email", "") or "")
        if email:
            words.append(email.split("@")[0].lower())
        remainder, found = folded, False
        for word in words:
            if len(word) >= 4 and word in remainder:
                remainder, found = remainder.replace(word, ""), True
        # A context word padded with a few repeated characters ("dana11111111111") is still a guess away.
        if found and len(set(remainder)) < 5:
            raise ValidationError("This password is too easy to guess from the context.", code="context")

    def get_help_text(self) -> str:
        return "Common passwords are not accepted."
