"""Limits of what a client may enter about skills, declared once for the page forms, the API schemas and the
services' own checks. The 0-100 distress scale (SUDS) is the diary's too."""

DISTRESS_MIN = 0
DISTRESS_MAX = 100
SKILL_SLUG_LIMIT = 60  # SkillPractice.skill / SkillRecommendation.skill columns
VARIANT_LIMIT = 30  # SkillPractice.variant column
NOTE_LIMIT = 2000
PHRASE_LIMIT = 300
MAX_PHRASES = 40
