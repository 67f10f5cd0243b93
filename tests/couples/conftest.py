from __future__ import annotations

from typing import Any

import pytest

from attune.care.models import PartnerLink
from tests.cast import Cast


@pytest.fixture
def link(cast: Cast) -> PartnerLink:
    """dana and frank's link, from the standing cast."""
    return PartnerLink.objects.get(client=cast.client("dana"), partner=cast.frank, ended__isnull=True)


@pytest.fixture
def settings_push_off(settings: Any) -> None:
    settings.ATTUNE_PUSH_ENABLED = False
