"""The privacy centre's inputs, declared once for the pages and the API."""

from attune.privacy.models import Category
from attune.privacy.services import REASON_MAX, REASON_MIN

CATEGORIES = Category.values
KINDS = ["", "looked", "changed", "refused", "emergency"]
BREAK_GLASS_REASON = {"min_length": REASON_MIN, "max_length": REASON_MAX}
