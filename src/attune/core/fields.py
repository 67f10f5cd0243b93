"""EncryptedTextField: a text field whose value is sealed with the row's client's data key.

Callers read and assign plain strings. The column holds base64 ciphertext whose associated data binds it to
(table, column, row id, client id), so a ciphertext copied into another row or client fails to decrypt.
Rows need their primary key before the first save (UUID primary keys) because the row id is part of the
binding. Encrypted columns cannot be searched or filtered in SQL; that is the point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from attune.core import crypto, keys


class Sealed(str):
    """Ciphertext as read from the database, not yet opened."""


class ErasedText(str):
    """What an encrypted field reads as after its client's data key was destroyed."""

    def __new__(cls) -> ErasedText:
        return super().__new__(cls, "")


def is_erased(value: object) -> bool:
    return isinstance(value, ErasedText)


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


if TYPE_CHECKING:
    _TextField = models.TextField[str, str]
else:  # Django's fields are generic only in the type stubs.
    _TextField = models.TextField


class EncryptedTextField(_TextField):
    def __init__(self, *args: Any, client_field: str = "client_id", **kwargs: Any) -> None:
        self.client_field = client_field
        kwargs.setdefault("default", "")
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.client_field != "client_id":
            kwargs["client_field"] = self.client_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    def context(self, instance: models.Model) -> crypto.FieldContext:
        client_id = getattr(instance, self.client_field)
        if instance.pk is None or client_id is None:
            raise ValueError(f"{type(instance).__name__}.{self.name} needs the row's id and client before saving")
        return crypto.FieldContext(instance._meta.db_table, self.column, str(instance.pk), str(client_id))

    def open(self, instance: models.Model, token: str) -> str:
        if token == "":
            return ""
        context = self.context(instance)
        try:
            key = keys.data_key(context.client_id)
        except keys.ClientKeyErasedError:
            return ErasedText()
        return crypto.decrypt_text(key, token, context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed) or value == "":
            return Sealed(value) if isinstance(value, str) else value
        if isinstance(value, ErasedText):
            raise keys.ClientKeyErasedError("cannot write text for an erased client")
        context = self.context(model_instance)
        key = keys.data_key(context.client_id, create=True)
        return Sealed(crypto.encrypt_text(key, str(value), context))

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed) or value == "":
            return None if value is None else str(value)
        raise TypeError("encrypted fields cannot be used in queries; they are sealed before they are saved")

    def value_to_string(self, obj: models.Model) -> str:
        raise TypeError("encrypted fields are not serialised; use the export service")
