import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { ErrorList, Field, Status, errorFor, type UserErrorLike } from "../components/forms";
import { gitlabSignInUrl } from "../config";
import { errorMessage } from "../format";
import { graphql } from "../gql";
import { setToken, useToken } from "../session";

const RequestLink = graphql(`
  mutation RequestSignInLink($email: String!) {
    requestSignInLink(email: $email) {
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SignInWithLink = graphql(`
  mutation SignInWithLink($token: String!) {
    signInWithLink(token: $token) {
      session {
        token
        expiresAt
      }
      user {
        id
        email
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** `/sign-in`: ask for a link (R-AUTH-1); with `?token=` from the email, sign in with it;
 * with `?error=` (GitLab's callback), say what went wrong. */
export function SignInPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  if (token) return <UseLink token={token} />;
  return <RequestLinkForm gitlabError={params.get("message") ?? params.get("error")} />;
}

function UseLink({ token }: { token: string }) {
  const [result, signIn] = useMutation(SignInWithLink);
  const navigate = useNavigate();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return; // a link works once: never send it twice (StrictMode)
    sent.current = true;
    void signIn({ token }).then((answer) => {
      const session = answer.data?.signInWithLink.session;
      if (session) {
        setToken(session.token);
        navigate("/", { replace: true });
      }
    });
  }, [token, signIn, navigate]);
  const errors = result.data?.signInWithLink.userErrors ?? [];
  const failure = errorMessage(result.error);
  if (errors.length === 0 && !failure) return <Status>Signing you in…</Status>;
  return (
    <section className="narrow">
      <h1>This sign-in link does not work</h1>
      <ErrorList errors={errors} />
      {failure && <p className="error">{failure}</p>}
      <RequestLinkForm gitlabError={null} />
    </section>
  );
}

function RequestLinkForm({ gitlabError }: { gitlabError: string | null }) {
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [result, request] = useMutation(RequestLink);
  const signedIn = useToken() !== null;
  const gitlab = gitlabSignInUrl();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await request({ email });
    const userErrors = answer.data?.requestSignInLink.userErrors ?? [];
    setErrors(userErrors);
    if (answer.data && userErrors.length === 0) setSentTo(email);
  };
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {signedIn && <p className="notice">You are signed in already.</p>}
      {gitlabError && (
        <p className="error" role="alert">
          GitLab sign-in failed: {gitlabError}
        </p>
      )}
      {sentTo ? (
        <Status>
          Check your inbox: if {sentTo} has a portal profile, a sign-in link is on its way. It
          works once, within 24 hours.
        </Status>
      ) : (
        <form onSubmit={onSubmit} aria-label="Request a sign-in link">
          <Field
            label="Email address"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={setEmail}
            error={errorFor(errors, "email")}
          />
          <ErrorList errors={errors.filter((e) => !errorFor([e], "email"))} />
          {result.error && <p className="error">{errorMessage(result.error)}</p>}
          <button type="submit" disabled={result.fetching}>
            Email me a sign-in link
          </button>
        </form>
      )}
      {gitlab && (
        <p>
          <a className="button secondary" href={gitlab}>
            Sign in with GitLab.com
          </a>
        </p>
      )}
    </section>
  );
}
