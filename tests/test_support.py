"""R-ERR-4: a public query lists where to get help."""

from __future__ import annotations

from tests.conftest import gql

QUERY = "{ supportContacts { team description url email } }"


async def test_r_err_4_support_contacts_are_public(db: None) -> None:
    """R-ERR-4: signed out, the Contact us teams are listed with a way to reach each."""
    result = await gql(QUERY)
    teams = {c["team"]: c for c in result["supportContacts"]}
    assert set(teams) == {"Sales", "Billing", "Support"}
    assert all(c["email"] or c["url"] for c in teams.values())
