"""What each app tells a client about their own record: how its rows are named in the client's access log, and
which of its tables go in the client's export ("take it with you").

The privacy centre (a capability) cannot import the diary or any other capability, and the kernel knows no app's
tables; so each app registers, in its AppConfig.ready(), a describer for the entity types it audits. A describer
takes the client's own access and the ids of rows named in the page of the log being shown, and returns plain
words for each ("your diary entry of 3 May"); it is called once per entity type per page, so the number of
queries does not grow with the log. A describer only ever reads rows of `access.client_id`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Model

from attune.core.policy import Access

Describer = Callable[[Access, list[str]], dict[str, str]]

_DESCRIBERS: dict[str, Describer] = {}


def describes(entity_type: str, describer: Describer) -> None:
    """Register how rows of one entity type are named to their client."""
    _DESCRIBERS[entity_type] = describer


def describers() -> Mapping[str, Describer]:
    return dict(_DESCRIBERS)


# --- the export ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exportable:
    """One table in a client's export: every row linked to the client through `client_field`, every column but
    `exclude` (secrets such as token hashes), free text decrypted. `about` is its line in the export's README."""

    model: type[Model]
    about: str
    client_field: str = "client"
    exclude: frozenset[str] = frozenset()
    # A table shared by two people (couples work): only the rows whose `mine` field is the client's own account
    # (their own check-in answers and notes), never what their partner wrote and kept private.
    mine: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label


_EXPORTS: dict[str, Exportable] = {}


def exports(
    model: type[Model], about: str, *, client_field: str = "client", exclude: Iterable[str] = (), mine: str = ""
) -> None:
    """Register a table linked to a client for the client's export (from the owning app's ready()).
    tests/privacy/test_export.py fails for a model linked to a client that no app registered."""
    entry = Exportable(model, about, client_field, frozenset(exclude), mine)
    _EXPORTS[entry.label] = entry


def exportables() -> list[Exportable]:
    return sorted(_EXPORTS.values(), key=lambda e: e.label)


_WITHHELD: dict[str, str] = {}


def withholds(model: type[Model], why: str) -> None:
    """Register a table linked to a client that is deliberately not in the client's export, and why (a couple's
    notes written by the clinician about both partners). The export's README lists it with the reason."""
    _WITHHELD[model._meta.label] = why


def withheld() -> Mapping[str, str]:
    return dict(_WITHHELD)


# --- sharing decided elsewhere ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One sharing choice a client makes on a capability's own page (the safety plan's "share with my care team"),
    summed up in plain words for the privacy centre's "who can see what", with the page where it changes."""

    title: str
    words: str
    url: str


DecisionReader = Callable[[Access], "Decision | None"]

_DECISIONS: dict[str, DecisionReader] = {}


def decides(name: str, reader: DecisionReader) -> None:
    """Register a reader of one sharing choice kept by a capability (from its app's ready()). The reader takes the
    client's own access and returns None when there is nothing to say (no plan yet)."""
    _DECISIONS[name] = reader


def decisions(access: Access, *, leave_out: frozenset[str] = frozenset()) -> list[Decision]:
    """Every registered choice, in the client's words (a progress review lists them as "what you chose to
    share"); `leave_out` names readers a page already shows in its own way."""
    found = (reader(access) for name, reader in sorted(_DECISIONS.items()) if name not in leave_out)
    return [d for d in found if d is not None]


# --- FHIR resources in the export ----------------------------------------------------------------------------

FhirReader = Callable[[Access], list[dict[str, object]]]

_FHIR: dict[str, FhirReader] = {}


def fhir_resources(name: str, reader: FhirReader) -> None:
    """Register a reader of FHIR resources for the client's export bundle (from an app's ready()): CarePlan and
    Goal from the clinical record, say. Resources refer to the patient and to each other as "urn:uuid:<id>", the
    bundle's full URLs, so every reference resolves inside the bundle."""
    _FHIR[name] = reader


def fhir_readers() -> list[FhirReader]:
    return [reader for _, reader in sorted(_FHIR.items())]
