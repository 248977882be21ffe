from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import auth
from resolvers.errors import DomainError, ErrorCode
from schema.context import Info
from schema.errors import UserError, payload
from schema.permissions import SignedIn
from schema.users import User


@strawberry.type
class Session:
    token: str
    expires_at: datetime


@strawberry.type
class RequestSignInLinkPayload:
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SignInPayload:
    session: Session | None = None
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, signed_in: auth.SignedIn) -> SignInPayload:
        session = Session(token=signed_in.token, expires_at=signed_in.session.expires_at)
        return cls(session=session, user=User.from_model(signed_in.user))


@strawberry.type
class SignOutPayload:
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmEmailPayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ResendEmailConfirmationPayload:
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Emails a one-time sign-in link; same answer for every address."
    )
    @payload(RequestSignInLinkPayload)
    async def request_sign_in_link(self, info: Info, email: str) -> RequestSignInLinkPayload:
        await auth.request_sign_in_link(info.context.services.clock, email, info.context.client)
        return RequestSignInLinkPayload()

    @strawberry.mutation
    @payload(SignInPayload)
    async def sign_in_with_link(self, info: Info, token: str) -> SignInPayload:
        return SignInPayload.of(await auth.sign_in_with_link(info.context.services.clock, token))

    @strawberry.mutation(description="Revokes this session everywhere, open streams included.")
    @payload(SignOutPayload)
    async def sign_out(self, info: Info) -> SignOutPayload:
        session = info.context.session
        if session is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "You are not signed in.")
        await auth.sign_out(info.context.services.live, info.context.services.clock, session)
        return SignOutPayload()

    @strawberry.mutation
    @payload(ConfirmEmailPayload)
    async def confirm_email(self, info: Info, token: str) -> ConfirmEmailPayload:
        return ConfirmEmailPayload(
            user=User.from_model(await auth.confirm_email(info.context.services.clock, token))
        )

    @strawberry.mutation
    @payload(ResendEmailConfirmationPayload, requires=SignedIn)
    async def resend_email_confirmation(self, info: Info) -> ResendEmailConfirmationPayload:
        await auth.resend_confirmation(info.context.services.clock, info.context.acting_user)
        return ResendEmailConfirmationPayload()
