import { useEffect, useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { MeQuery } from "../App";
import { ErrorList, Field, Status, errorFor, formErrors, type UserErrorLike } from "../components/forms";
import { date, errorMessage } from "../format";
import { graphql } from "../gql";

const UpdateProfile = graphql(`
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      user {
        id
        email
        unconfirmedEmail
        emailConfirmed
        firstName
        lastName
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const ResendConfirmation = graphql(`
  mutation ResendEmailConfirmation {
    resendEmailConfirmation {
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const LinkGitlab = graphql(`
  mutation LinkGitlabAccount {
    linkGitlabAccount {
      authorizationUrl
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const UnlinkGitlab = graphql(`
  mutation UnlinkGitlabAccount {
    unlinkGitlabAccount {
      user {
        id
        gitlabAccount {
          username
          linkedAt
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** Personal details (R-PROF-1), email change with confirmation (R-CONF-2), GitLab link (R-AUTH-7). */
export function ProfilePage() {
  const [{ data, error }] = useQuery({ query: MeQuery });
  const me = data?.me;
  const [params] = useSearchParams();
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "" });
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [saved, setSaved] = useState(false);
  const [update, save] = useMutation(UpdateProfile);
  const [resent, resend] = useMutation(ResendConfirmation);
  const [linking, link] = useMutation(LinkGitlab);
  const [unlinking, unlink] = useMutation(UnlinkGitlab);

  useEffect(() => {
    if (me) setForm({ firstName: me.firstName, lastName: me.lastName, email: me.email });
  }, [me?.id, me?.firstName, me?.lastName, me?.email]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!me) return <p>{error ? errorMessage(error) : "Loading…"}</p>;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const input = {
      firstName: form.firstName,
      lastName: form.lastName,
      email: form.email !== me.email ? form.email : null,
    };
    const answer = await save({ input });
    const userErrors = answer.data?.updateProfile.userErrors ?? [];
    setErrors(userErrors);
    setSaved(Boolean(answer.data) && userErrors.length === 0);
  };
  const onLink = async () => {
    const answer = await link({});
    const url = answer.data?.linkGitlabAccount.authorizationUrl;
    if (url) window.location.assign(url);
  };
  const gitlabNote = params.get("gitlab") === "linked" ? "Your GitLab.com account is linked." : null;
  const gitlabError = params.get("gitlab_error") ? params.get("message") ?? params.get("gitlab_error") : null;

  return (
    <section>
      <h1>Your profile</h1>
      <form onSubmit={onSubmit} aria-label="Profile" className="panel">
        <div className="grid2">
          <Field label="First name" name="firstName" value={form.firstName} autoComplete="given-name"
            onChange={(v) => setForm({ ...form, firstName: v })} error={errorFor(errors, "firstName")} />
          <Field label="Last name" name="lastName" value={form.lastName} autoComplete="family-name"
            onChange={(v) => setForm({ ...form, lastName: v })} error={errorFor(errors, "lastName")} />
        </div>
        <Field
          label="Email"
          name="email"
          type="email"
          value={form.email}
          autoComplete="email"
          onChange={(v) => setForm({ ...form, email: v })}
          error={errorFor(errors, "email")}
          hint="A new address takes effect once you confirm it from the link we send there."
        />
        <ErrorList errors={formErrors(errors, ["firstName", "lastName", "email"])} />
        {update.error && <p className="error">{errorMessage(update.error)}</p>}
        {saved && <Status>Profile saved.</Status>}
        <button type="submit" disabled={update.fetching}>
          Save profile
        </button>
      </form>

      <div className="panel">
        <h2>Email</h2>
        <p>
          {me.email} — {me.emailConfirmed ? "confirmed" : "not confirmed yet"}
        </p>
        {me.unconfirmedEmail && <p>New address awaiting confirmation: {me.unconfirmedEmail}</p>}
        {(!me.emailConfirmed || me.unconfirmedEmail) && (
          <>
            <button type="button" className="secondary" onClick={() => void resend({})} disabled={resent.fetching}>
              Resend confirmation email
            </button>
            {resent.data && (resent.data.resendEmailConfirmation.userErrors.length ? (
              <ErrorList errors={resent.data.resendEmailConfirmation.userErrors} />
            ) : (
              <Status>Confirmation email sent.</Status>
            ))}
          </>
        )}
      </div>

      <div className="panel">
        <h2>GitLab.com</h2>
        {gitlabNote && <Status>{gitlabNote}</Status>}
        {gitlabError && <p className="error" role="alert">{gitlabError}</p>}
        {me.gitlabAccount ? (
          <p>
            Linked to <strong>{me.gitlabAccount.username}</strong> since {date(me.gitlabAccount.linkedAt)}.
          </p>
        ) : (
          <p>No GitLab.com account is linked.</p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onLink} disabled={linking.fetching}>
            {me.gitlabAccount ? "Change linked GitLab.com account" : "Link a GitLab.com account"}
          </button>
          {me.gitlabAccount && (
            <button type="button" className="danger" onClick={() => void unlink({})} disabled={unlinking.fetching}>
              Unlink
            </button>
          )}
        </div>
        {linking.data && <ErrorList errors={linking.data.linkGitlabAccount.userErrors} />}
        {unlinking.data && <ErrorList errors={unlinking.data.unlinkGitlabAccount.userErrors} />}
      </div>
    </section>
  );
}
