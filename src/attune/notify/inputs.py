"""The one declaration of the preferences input, used by the page form and the API schema."""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field, model_validator

from attune.accounts.models import User

# The label is the account's discreet name (accounts.User.discreet_name): one setting, shown as the sender of
# messages and in the tab title of portal pages.
LABEL_MAX = User._meta.get_field("discreet_name").max_length or 40
QUIET_BOTH = "Give both a start and an end for quiet hours, or neither."


class PreferencesInput(BaseModel):
    email: bool = True
    push: bool = True
    paused: bool = False
    quiet_start: datetime.time | None = None
    quiet_end: datetime.time | None = None
    # None keeps the label as it is, so that an app which does not know about it cannot clear it by accident.
    label: str | None = Field(default=None, max_length=LABEL_MAX)

    @model_validator(mode="after")
    def quiet_hours_have_both_ends(self) -> PreferencesInput:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError(QUIET_BOTH)
        return self
