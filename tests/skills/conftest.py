# The diary's test world (tests/diary/conftest.py) holds the skills rows too: practices, a recommendation, a phrase.
from tests.diary.conftest import world  # noqa: F401
