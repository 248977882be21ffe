from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.users import User


class Session(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sessions"


class TokenPurpose(StrEnum):
    SIGN_IN = "sign_in"
    CONFIRM_EMAIL = "confirm_email"
    GITLAB_SIGN_IN = "gitlab_sign_in"


class OneTimeToken(Model):
    """A single-use token: sign-in link, email confirmation, GitLab hand-off code."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=20)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="one_time_tokens", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_tokens"


class OAuthPurpose(StrEnum):
    SIGN_IN = "sign_in"
    LINK = "link"


class OAuthState(Model):
    """One GitLab.com authorization attempt: its `state` (hashed) and PKCE verifier, single use.

    A LINK attempt is bound to the user and session that started it (R-AUTH-7).
    """

    id = fields.IntField(primary_key=True)
    state_hash = fields.CharField(max_length=64, unique=True)
    code_verifier = fields.CharField(max_length=128)
    purpose = fields.CharEnumField(OAuthPurpose, max_length=10)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="oauth_states", on_delete=fields.CASCADE, null=True
    )
    session: fields.ForeignKeyNullableRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="oauth_states", on_delete=fields.CASCADE, null=True
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_states"
