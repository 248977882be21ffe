from __future__ import annotations

import strawberry

from resolvers.support import support_contacts


@strawberry.type
class SupportContact:
    team: str
    description: str
    url: str | None
    email: str | None


@strawberry.type
class Query:
    @strawberry.field(description="Where to get help: public, like the Contact us page (R-ERR-4).")
    def support_contacts(self) -> list[SupportContact]:
        return [
            SupportContact(team=c.team, description=c.description, url=c.url, email=c.email)
            for c in support_contacts()
        ]
