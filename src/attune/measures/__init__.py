"""Measurement-based care: the instrument library (FHIR Questionnaire files plus a scoring section of our own)
and pure, framework-free scoring. Nothing here but `apps.py` and the management command imports Django."""
