"""GraphQL surface of GitLab.com account linking (R-AUTH-7); sign-in itself is /auth/gitlab/*."""

from __future__ import annotations

import strawberry

from resolvers import gitlab
from resolvers.errors import DomainError, ErrorCode
from schema.context import Info
from schema.errors import UserError, payload
from schema.permissions import PortalUser
from schema.users import User


@strawberry.type
class LinkGitlabAccountPayload:
    authorization_url: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UnlinkGitlabAccountPayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Starts linking (or changing) the GitLab.com account of the signed-in "
        "profile: open `authorizationUrl`; the portal's callback completes the link and returns "
        "the browser to the front end's /profile?gitlab=linked (or ?gitlab_error=CODE)."
    )
    @payload(LinkGitlabAccountPayload, requires=PortalUser)
    async def link_gitlab_account(self, info: Info) -> LinkGitlabAccountPayload:
        user, session = info.context.acting_user, info.context.session
        if session is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in to continue.")
        url = await gitlab.begin_link(
            info.context.services.clock, user, session, info.context.services.gitlab
        )
        return LinkGitlabAccountPayload(authorization_url=url)

    @strawberry.mutation(description="Forgets the linked GitLab.com account.")
    @payload(UnlinkGitlabAccountPayload, requires=PortalUser)
    async def unlink_gitlab_account(self, info: Info) -> UnlinkGitlabAccountPayload:
        user = await gitlab.unlink(info.context.acting_user)
        return UnlinkGitlabAccountPayload(user=User.from_model(user))
