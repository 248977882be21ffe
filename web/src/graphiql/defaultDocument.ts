// What GraphiQL opens with: how to sign in, where the token goes, what to try next.
export const DEFAULT_DOCUMENT = `# Customers Portal API
#
# Sign in, in three steps:
#
# 1. Run RequestLink with your email. A one-time link arrives by email (without an SMTP
#    server: the newest .eml file in ./mailbox, and the server's console log). It looks
#    like  …/sign-in?token=XXXX
# 2. Put that token in SignIn (replace PASTE_TOKEN) and run it. Copy session.token.
# 3. Open the Headers pane below and paste:
#      {"Authorization": "Bearer <session token>"}
#    Queries and mutations send it as an HTTP header; subscriptions send it in the
#    websocket's connection_init. Then run Me, or Live and trigger something.
#
# Docs: the book icon on the left. Run an operation: the ▶ button (Ctrl-Enter).

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
