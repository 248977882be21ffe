// What GraphiQL opens with: how to sign in, where the token goes, what to try next.
export const DEFAULT_DOCUMENT = `# Customers Portal API — sign in, in three steps:
#
# 1. Run RequestLink with your email (▶, or Ctrl-Enter).
#    A one-time link arrives by email. Without an SMTP
#    server: the newest .eml in ./mailbox, and the
#    server's console. It ends in /sign-in?token=XXXX
# 2. Put that token in SignIn (for PASTE_TOKEN), run
#    it, and copy session.token from the result.
# 3. In the Headers pane below, paste:
#      {"Authorization": "Bearer <session token>"}
#    Queries and mutations send it as an HTTP header,
#    subscriptions in the websocket's connection_init.
#
# Then run Me, or Live and watch events arrive.
# Schema docs: the book icon at the top left.

mutation RequestLink {
  requestSignInLink(email: "demo@example.com") {
    userErrors { field code message }
  }
}

mutation SignIn {
  signInWithLink(token: "PASTE_TOKEN") {
    session { token expiresAt }
    user { email firstName lastName }
    userErrors { field code message }
  }
}

query Me {
  me {
    email
    emailConfirmed
    billingAccounts {
      id
      company { name taxId taxTreatment }
      subscriptions { name plan seats endDate autoRenew }
      invoices(first: 5) { edges { node { number status total { amount currency } } } }
    }
    notifications(first: 5) { unreadCount edges { node { id title } } }
  }
}

subscription Live {
  notifications {
    id
    event
    title
    message
    createdAt
  }
}
`;
