import { useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { ErrorList, Status } from "../components/forms";
import { errorMessage } from "../format";
import { graphql } from "../gql";

const ConfirmEmail = graphql(`
  mutation ConfirmEmail($token: String!) {
    confirmEmail(token: $token) {
      user {
        id
        email
        emailConfirmed
        unconfirmedEmail
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** `/confirm-email?token=…` (R-CONF-1, R-CONF-2). */
export function ConfirmEmailPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const [result, confirm] = useMutation(ConfirmEmail);
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void confirm({ token });
  }, [token, confirm]);
  if (!token) return <p className="error">This confirmation link has no token.</p>;
  const payload = result.data?.confirmEmail;
  return (
    <section className="narrow">
      <h1>Email confirmation</h1>
      {payload?.user ? (
        <Status>
          {payload.user.email} is confirmed. <Link to="/">Continue to the portal</Link>
        </Status>
      ) : payload ? (
        <ErrorList errors={payload.userErrors} />
      ) : result.error ? (
        <p className="error">{errorMessage(result.error)}</p>
      ) : (
        <Status>Confirming…</Status>
      )}
    </section>
  );
}
