"""What a field needs from its caller, declared on the field (as Saleor declares permissions).

Query fields: `@strawberry.field(permission_classes=[PortalUser])`; mutations:
`@payload(SomePayload, requires=PortalUser)`, which turns a refusal into `userErrors`. The field
body then reads `info.context.acting_user`. The rules themselves are in `resolvers/access.py`.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from resolvers.access import require_user
from schema.context import Info


class SignedIn(BasePermission):
    """Any live session, confirmed or not (to confirm, or ask for a new link)."""

    message = "Sign in to continue."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        require_user(info.context.services.clock, info.context.user, allow_unconfirmed=True)
        return True


class PortalUser(BasePermission):
    """A live session whose email is confirmed or still within the grace period (R-CONF-1)."""

    message = "Sign in to continue."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        require_user(info.context.services.clock, info.context.user)
        return True
