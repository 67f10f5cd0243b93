"""Instrument definitions (data): FHIR Questionnaire files and their scoring sections."""
