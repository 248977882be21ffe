import { useEffect, useMemo } from "react";
import { Link, NavLink, Navigate, Route, Routes, useNavigate } from "react-router-dom";
import { Provider, useMutation, useQuery } from "urql";
import { makeClients } from "./client";
import { NotificationBell } from "./components/NotificationBell";
import { graphql } from "./gql";
import { AcceptInvitationPage } from "./pages/AcceptInvitation";
import { AccountPage } from "./pages/Account";
import { ActivityPage } from "./pages/Activity";
import { CardsPage } from "./pages/Cards";
import { ConfirmEmailPage } from "./pages/ConfirmEmail";
import { InvoicePage, InvoicesPage } from "./pages/Invoices";
import { NotificationsPage } from "./pages/Notifications";
import { ProfilePage } from "./pages/Profile";
import { SignInPage } from "./pages/SignIn";
import { SubscriptionsPage } from "./pages/Subscriptions";
import { LiveProvider } from "./live";
import { setToken, useToken } from "./session";

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      unconfirmedEmail
      emailConfirmed
      firstName
      lastName
      gitlabAccount {
        username
        linkedAt
      }
      billingAccounts {
        id
        company {
          name
        }
      }
      pendingInvitations {
        id
        companyName
        email
        expiresAt
      }
    }
  }
`);

const SignOutMutation = graphql(`
  mutation SignOut {
    signOut {
      userErrors {
        code
        message
      }
    }
  }
`);

export function App() {
  const token = useToken();
  const clients = useMemo(() => makeClients(token), [token]);
  useEffect(() => () => void clients.ws?.dispose(), [clients]);
  return (
    <Provider value={clients.urql}>
      <LiveProvider ws={clients.ws}>
        <Shell signedIn={token !== null} />
      </LiveProvider>
    </Provider>
  );
}

function Shell({ signedIn }: { signedIn: boolean }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Customers Portal
        </Link>
        {signedIn && <SignedInNav />}
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/confirm-email" element={<ConfirmEmailPage />} />
          <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
          {signedIn ? (
            <>
              <Route path="/" element={<Home />} />
              <Route path="/profile" element={<ProfilePage />} />
              <Route path="/notifications" element={<NotificationsPage />} />
              <Route path="/accounts/:accountId" element={<AccountPage />} />
              <Route path="/accounts/:accountId/subscriptions" element={<SubscriptionsPage />} />
              <Route path="/accounts/:accountId/cards" element={<CardsPage />} />
              <Route path="/accounts/:accountId/invoices" element={<InvoicesPage />} />
              <Route path="/accounts/:accountId/invoices/:invoiceId" element={<InvoicePage />} />
              <Route path="/accounts/:accountId/activity" element={<ActivityPage />} />
              <Route path="*" element={<NotFound />} />
            </>
          ) : (
            <Route path="*" element={<SignInPage />} />
          )}
        </Routes>
      </main>
    </>
  );
}

function SignedInNav() {
  const [{ data, fetching }] = useQuery({ query: MeQuery });
  const [, signOut] = useMutation(SignOutMutation);
  const navigate = useNavigate();
  useEffect(() => {
    // A revoked or expired session: the API answers `me: null`.
    if (!fetching && data && data.me === null) setToken(null);
  }, [data, fetching]);
  const onSignOut = async () => {
    await signOut({});
    setToken(null);
    navigate("/sign-in");
  };
  return (
    <nav aria-label="Main" className="main-nav">
      <NavLink to="/">Accounts</NavLink>
      <NavLink to="/profile">{data?.me ? `${data.me.firstName} ${data.me.lastName}` : "Profile"}</NavLink>
      <NotificationBell />
      <button type="button" className="link" onClick={onSignOut}>
        Sign out
      </button>
    </nav>
  );
}

function Home() {
  const [{ data, fetching, error }] = useQuery({ query: MeQuery });
  const me = data?.me;
  if (!me) return <p>{fetching ? "Loading…" : error ? error.message : ""}</p>;
  const accounts = me.billingAccounts;
  if (accounts.length === 1 && me.pendingInvitations.length === 0) {
    return <Navigate to={`/accounts/${accounts[0].id}`} replace />;
  }
  return (
    <section>
      <h1>Welcome, {me.firstName}</h1>
      {!me.emailConfirmed && (
        <p className="notice">Please confirm your email address: we sent you a link.</p>
      )}
      <h2>Billing accounts</h2>
      {accounts.length === 0 ? (
        <p>You do not manage a billing account yet.</p>
      ) : (
        <ul className="cards-list">
          {accounts.map((account) => (
            <li key={account.id}>
              <Link to={`/accounts/${account.id}`}>{account.company.name}</Link>
            </li>
          ))}
        </ul>
      )}
      {me.pendingInvitations.length > 0 && (
        <>
          <h2>Invitations for you</h2>
          <ul>
            {me.pendingInvitations.map((invitation) => (
              <li key={invitation.id}>
                {invitation.companyName} invited {invitation.email}: open the link in the
                invitation email to accept.
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to your accounts</Link>
      </p>
    </section>
  );
}
