import { useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { AccountNav } from "../components/AccountNav";
import { ErrorList, Field, Status, errorFor, formErrors, type UserErrorLike } from "../components/forms";
import { download } from "../download";
import { date, errorMessage } from "../format";
import { graphql } from "../gql";

const SubscriptionsQuery = graphql(`
  query Subscriptions($id: ID!) {
    billingAccount(id: $id) {
      id
      subscriptions {
        id
        name
        plan
        deployment
        seats
        startDate
        endDate
        autoRenew
        status
        channel
        resellerName
        namespacePath
        canDownloadLicense
      }
    }
  }
`);


const UpdateSeats = graphql(`
  mutation UpdateSubscriptionSeats($id: ID!, $seats: Int!) {
    updateSubscriptionSeats(subscriptionId: $id, seats: $seats) {
      subscription {
        id
        seats
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SetAutoRenew = graphql(`
  mutation SetSubscriptionAutoRenew($id: ID!, $autoRenew: Boolean!) {
    setSubscriptionAutoRenew(subscriptionId: $id, autoRenew: $autoRenew) {
      subscription {
        id
        autoRenew
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const AssociateNamespace = graphql(`
  mutation AssociateSubscriptionNamespace($id: ID!, $path: String!) {
    associateSubscriptionNamespace(subscriptionId: $id, namespacePath: $path) {
      subscription {
        id
        namespacePath
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Sub = NonNullable<NonNullable<ReturnType<typeof useSubs>[0]["data"]>["billingAccount"]>["subscriptions"][number];

function useSubs(id: string) {
  return useQuery({ query: SubscriptionsQuery, variables: { id } });
}

/** R-SUB-1, R-SUB-2: seats, auto-renew, the GitLab.com group, the Self-Managed license. */
export function SubscriptionsPage() {
  const { accountId = "" } = useParams();
  const [{ data, error, fetching }] = useSubs(accountId);
  const subs = data?.billingAccount?.subscriptions;
  return (
    <section>
      <AccountNav />
      {error && <p className="error">{errorMessage(error)}</p>}
      {subs && subs.length === 0 && <p>No subscriptions yet.</p>}
      {!subs && fetching && <p>Loading…</p>}
      {subs?.map((sub) => <SubscriptionCard key={sub.id} sub={sub} />)}
    </section>
  );
}

function SubscriptionCard({ sub }: { sub: Sub }) {
  const [seats, setSeats] = useState(String(sub.seats));
  const [namespace, setNamespace] = useState(sub.namespacePath ?? "");
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [, updateSeats] = useMutation(UpdateSeats);
  const [, setAutoRenew] = useMutation(SetAutoRenew);
  const [, associate] = useMutation(AssociateNamespace);
  const reseller = sub.channel === "RESELLER";
  const finish = (userErrors: UserErrorLike[] | undefined, message: string) => {
    setErrors(userErrors ?? []);
    setDone(userErrors && userErrors.length === 0 ? message : null);
  };
  const onSeats = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await updateSeats({ id: sub.id, seats: Number(seats) });
    finish(answer.data?.updateSubscriptionSeats.userErrors, "Seats updated; an invoice for the new seats is issued.");
  };
  const onAutoRenew = async () => {
    const answer = await setAutoRenew({ id: sub.id, autoRenew: !sub.autoRenew });
    finish(answer.data?.setSubscriptionAutoRenew.userErrors, "Auto-renew saved.");
  };
  const onNamespace = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await associate({ id: sub.id, path: namespace });
    finish(answer.data?.associateSubscriptionNamespace.userErrors, "Group saved.");
  };
  const onLicense = async () => {
    try {
      await download(`/subscriptions/${encodeURIComponent(sub.id)}/license`, `${sub.name}.license.json`);
      setDone("License downloaded.");
    } catch (error) {
      setErrors([{ code: "DOWNLOAD", message: (error as Error).message }]);
    }
  };
  return (
    <article className="panel" aria-labelledby={`sub-${sub.id}`}>
      <h2 id={`sub-${sub.id}`}>
        {sub.plan} <span className="hint-inline">{sub.name}</span> <span className={`pill ${sub.status.toLowerCase()}`}>{sub.status.toLowerCase()}</span>
      </h2>
      <dl className="facts">
        <dt>Plan</dt>
        <dd>{sub.plan}</dd>
        <dt>Deployment</dt>
        <dd>{sub.deployment === "GITLAB_COM" ? "GitLab.com" : "Self-Managed"}</dd>
        <dt>Term</dt>
        <dd>
          {date(sub.startDate)} – {date(sub.endDate)}
        </dd>
        <dt>Renews</dt>
        <dd>{sub.autoRenew ? `automatically on ${date(sub.endDate)}` : "no (auto-renew off)"}</dd>
        <dt>Bought</dt>
        <dd>{reseller ? `through ${sub.resellerName ?? "a reseller"}` : "directly"}</dd>
        <dt>Seats</dt>
        <dd>{sub.seats}</dd>
      </dl>
      {reseller && <p className="hint">Changes to this subscription go through the reseller.</p>}
      {done && <Status>{done}</Status>}
      <ErrorList errors={formErrors(errors, ["seats", "namespacePath"])} />
      <div className="grid2">
        {!reseller && (
          <form onSubmit={onSeats} className="inline-form" aria-label={`Seats of ${sub.name}`}>
            <Field label="Seats" name="seats" type="number" value={seats} onChange={setSeats} error={errorFor(errors, "seats")} />
            <button type="submit">Update seats</button>
          </form>
        )}
        {sub.deployment === "GITLAB_COM" && (
          <form onSubmit={onNamespace} className="inline-form" aria-label={`Group of ${sub.name}`}>
            <Field label="GitLab.com group path" name="namespacePath" value={namespace} onChange={setNamespace}
              error={errorFor(errors, "namespacePath")} placeholder="my-group" />
            <button type="submit">Save group</button>
          </form>
        )}
      </div>
      <div className="actions">
        {!reseller && (
          <button type="button" className="secondary" onClick={onAutoRenew} aria-pressed={sub.autoRenew}>
            {sub.autoRenew ? "Turn auto-renew off" : "Turn auto-renew on"}
          </button>
        )}
        {sub.canDownloadLicense && (
          <button type="button" className="secondary" onClick={onLicense}>
            Download license
          </button>
        )}
      </div>
    </article>
  );
}
