from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import Manager


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    email_confirmed_at = fields.DatetimeField(null=True)
    unconfirmed_email = fields.CharField(max_length=254, null=True)
    first_name = fields.CharField(max_length=100, default="")
    last_name = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    first_signed_in_at = fields.DatetimeField(null=True)
    gitlab_id = fields.CharField(max_length=64, null=True, unique=True)
    gitlab_username = fields.CharField(max_length=255, null=True)
    gitlab_linked_at = fields.DatetimeField(null=True)

    managers: fields.ReverseRelation[Manager]

    class Meta:
        table = "users"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
