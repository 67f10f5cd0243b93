"""Clinical-record data for the standing cast, with a canary in every encrypted field.

dana (alice is her primary clinician): a signed SOAP note with a signed addendum, and a draft DAP note.
eli (bob's client): a signed BIRP note and a free-text draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from attune.clinical.models import SECTIONS, NoteAddendum, SessionNote
from tests.cast import Cast, canary
from tests.clinical import through_policy as services
from tests.clinical.plan_world import plan_world  # noqa: F401  (a fixture for the plan tests)


@dataclass
class World:
    cast: Cast
    signed: SessionNote
    addendum: NoteAddendum
    draft: SessionNote
    eli_signed: SessionNote
    eli_draft: SessionNote

    @property
    def dana(self) -> Any:
        return self.cast.client("dana")

    @property
    def eli(self) -> Any:
        return self.cast.client("eli")


def sections_for(template: str) -> dict[str, str]:
    return {name: canary("sessionnote", name) for name, _, _ in SECTIONS[template]}


def build_world(cast: Cast) -> World:
    dana, eli = cast.client("dana"), cast.client("eli")
    signed = services.start_note(cast.alice, dana.pk, "soap", sections_for("soap"))
    signed = services.sign_note(cast.alice, dana.pk, signed.pk, signed.version)
    addendum = services.add_addendum(cast.alice, dana.pk, signed.pk, canary("noteaddendum", "text"))
    draft = services.start_note(cast.alice, dana.pk, "dap", sections_for("dap"))
    eli_signed = services.start_note(cast.bob, eli.pk, "birp", sections_for("birp"))
    eli_signed = services.sign_note(cast.bob, eli.pk, eli_signed.pk, eli_signed.version)
    eli_draft = services.start_note(cast.bob, eli.pk, "free", sections_for("free"))
    return World(cast, signed, addendum, draft, eli_signed, eli_draft)


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)
