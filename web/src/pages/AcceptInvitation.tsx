import { useEffect, useRef } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { ErrorList, Status } from "../components/forms";
import { errorMessage } from "../format";
import { graphql } from "../gql";
import { setToken, useToken } from "../session";

const AcceptInvitation = graphql(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) {
      billingAccount {
        id
        company {
          name
        }
      }
      session {
        token
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** `/invitations/accept?token=…` (R-MGR-1): signed out, accepting signs the invitee in (and
 * registers them); signed in, it must be as the invited address. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const signedIn = useToken() !== null;
  const [result, accept] = useMutation(AcceptInvitation);
  const navigate = useNavigate();
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void accept({ token }).then((answer) => {
      const payload = answer.data?.acceptInvitation;
      if (!payload?.billingAccount) return;
      if (payload.session) setToken(payload.session.token);
      navigate(`/accounts/${payload.billingAccount.id}`, { replace: true });
    });
  }, [token, accept, navigate]);
  if (!token) return <p className="error">This invitation link has no token.</p>;
  const payload = result.data?.acceptInvitation;
  const mismatch = payload?.userErrors.some((e) => e.code === "INVITATION_EMAIL_MISMATCH");
  return (
    <section className="narrow">
      <h1>Invitation</h1>
      {payload && payload.userErrors.length > 0 ? (
        <>
          <ErrorList errors={payload.userErrors} />
          {mismatch && signedIn && (
            <p>
              Sign out, then open the invitation link again to accept it as the invited address.
            </p>
          )}
          <p>
            <Link to="/">Go to the portal</Link>
          </p>
        </>
      ) : result.error ? (
        <p className="error">{errorMessage(result.error)}</p>
      ) : (
        <Status>Accepting the invitation…</Status>
      )}
    </section>
  );
}
