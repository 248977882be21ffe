import { useEffect, useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { MeQuery } from "../App";
import { AccountNav } from "../components/AccountNav";
import { ErrorList, Field, Select, Status, errorFor, formErrors, type UserErrorLike } from "../components/forms";
import { date, errorMessage } from "../format";
import { graphql } from "../gql";

export const INVITATION_LIMIT = 15; // R-INV-2: pending invitations per account

const AccountQuery = graphql(`
  query Account($id: ID!) {
    billingAccount(id: $id) {
      id
      company {
        name
        taxId
        country
        taxTreatment
        address {
          line1
          line2
          city
          postalCode
          region
          country
        }
      }
      owner {
        id
      }
      managers {
        id
        isOwner
        addedAt
        firstName
        lastName
        email
        isSubscriptionContact
        isBillingContact
        user {
          id
        }
      }
      subscriptionContact {
        firstName
        lastName
        email
        phone
        manager {
          id
        }
      }
      billingContact {
        kind
        contact {
          firstName
          lastName
          email
          phone
          manager {
            id
          }
        }
      }
      invitations {
        id
        email
        status
        displayName
        createdAt
        expiresAt
      }
      prompts {
        code
        message
        manager {
          id
        }
      }
    }
  }
`);

const UpdateCompany = graphql(`
  mutation UpdateCompanyDetails($input: UpdateCompanyDetailsInput!) {
    updateCompanyDetails(input: $input) {
      billingAccount {
        id
        company {
          name
          taxId
          country
          taxTreatment
          address {
            line1
            line2
            city
            postalCode
            region
            country
          }
        }
        prompts {
          code
          message
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

const Invite = graphql(`
  mutation InviteManager($accountId: ID!, $email: String!) {
    inviteBillingAccountManager(billingAccountId: $accountId, email: $email) {
      invitation {
        id
        email
        status
        displayName
        createdAt
        expiresAt
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const Resend = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(invitationId: $id) {
      invitation {
        id
        status
        expiresAt
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const Revoke = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(invitationId: $id) {
      invitation {
        id
        status
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const RemoveManager = graphql(`
  mutation RemoveManager($id: ID!) {
    removeBillingAccountManager(managerId: $id) {
      billingAccount {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const TransferOwnership = graphql(`
  mutation TransferOwnership($accountId: ID!, $managerId: ID!) {
    transferOwnership(billingAccountId: $accountId, managerId: $managerId) {
      billingAccount {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SetSubscriptionContact = graphql(`
  mutation SetSubscriptionContact($accountId: ID!, $managerId: ID!) {
    setSubscriptionContact(billingAccountId: $accountId, managerId: $managerId) {
      billingAccount {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SetBillingContact = graphql(`
  mutation SetBillingContact($input: SetBillingContactInput!) {
    setBillingContact(input: $input) {
      billingAccount {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Account = NonNullable<NonNullable<ReturnType<typeof useAccount>[0]["data"]>["billingAccount"]>;

function useAccount(id: string) {
  return useQuery({ query: AccountQuery, variables: { id } });
}

/** Overview: prompts, company details (R-COMP-1, R-TAX-1), managers and invitations (R-MGR-*,
 * R-INV-*), subscription and billing contacts (R-CON-*). */
export function AccountPage() {
  const { accountId = "" } = useParams();
  const [{ data, error }, refetch] = useAccount(accountId);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const account = data?.billingAccount;
  return (
    <section>
      <AccountNav />
      {error && <p className="error">{errorMessage(error)}</p>}
      {account && (
        <>
          <Prompts account={account} />
          <CompanyForm account={account} />
          <Managers account={account} reload={reload} />
          <Invitations account={account} reload={reload} />
          <Contacts account={account} reload={reload} />
        </>
      )}
    </section>
  );
}

function Prompts({ account }: { account: Account }) {
  if (account.prompts.length === 0) return null;
  return (
    <div className="notice" role="status" aria-label="Things to do">
      <ul>
        {account.prompts.map((prompt, i) => (
          <li key={i} data-code={prompt.code}>
            {prompt.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CompanyForm({ account }: { account: Account }) {
  const company = account.company;
  const initial = () => ({
    name: company.name,
    taxId: company.taxId ?? "",
    country: company.country,
    line1: company.address?.line1 ?? "",
    line2: company.address?.line2 ?? "",
    city: company.address?.city ?? "",
    postalCode: company.address?.postalCode ?? "",
    region: company.address?.region ?? "",
  });
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [saved, setSaved] = useState(false);
  const [result, save] = useMutation(UpdateCompany);
  useEffect(() => setForm(initial()), [account.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (name: keyof ReturnType<typeof initial>) => (value: string) => setForm({ ...form, [name]: value });
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const hasAddress = form.line1.trim() !== "" || form.city.trim() !== "";
    const answer = await save({
      input: {
        billingAccountId: account.id,
        name: form.name,
        taxId: form.taxId,
        country: form.country,
        ...(hasAddress
          ? {
              address: {
                line1: form.line1,
                line2: form.line2 || null,
                city: form.city,
                postalCode: form.postalCode || null,
                region: form.region || null,
                country: form.country,
              },
            }
          : {}),
      },
    });
    const userErrors = answer.data?.updateCompanyDetails.userErrors ?? [];
    setErrors(userErrors);
    setSaved(Boolean(answer.data) && userErrors.length === 0);
  };
  const shown = ["name", "taxId", "country", "address.line1", "address.line2", "address.city",
    "address.postalCode", "address.region", "address.country"];
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="company-heading">
      <h2 id="company-heading">Company details</h2>
      <div className="grid2">
        <Field label="Company name" name="name" value={form.name} onChange={set("name")} error={errorFor(errors, "name")} required />
        <Field label="Country (ISO code)" name="country" value={form.country} onChange={set("country")}
          error={errorFor(errors, "country") ?? errorFor(errors, "address.country")} placeholder="DE" />
      </div>
      <Field
        label="Tax ID"
        name="taxId"
        value={form.taxId}
        onChange={set("taxId")}
        error={errorFor(errors, "taxId")}
        hint={`Invoices apply: ${company.taxTreatment.replace(/_/g, " ").toLowerCase()}. Leave empty to remove it.`}
      />
      <fieldset>
        <legend>Postal address</legend>
        <Field label="Address line 1" name="line1" value={form.line1} onChange={set("line1")} error={errorFor(errors, "address.line1")} />
        <Field label="Address line 2" name="line2" value={form.line2} onChange={set("line2")} error={errorFor(errors, "address.line2")} />
        <div className="grid3">
          <Field label="City" name="city" value={form.city} onChange={set("city")} error={errorFor(errors, "address.city")} />
          <Field label="Postal code" name="postalCode" value={form.postalCode} onChange={set("postalCode")} error={errorFor(errors, "address.postalCode")} />
          <Field label="Region" name="region" value={form.region} onChange={set("region")} error={errorFor(errors, "address.region")} />
        </div>
      </fieldset>
      <ErrorList errors={formErrors(errors, shown)} />
      {result.error && <p className="error">{errorMessage(result.error)}</p>}
      {saved && <Status>Company details saved.</Status>}
      <button type="submit" disabled={result.fetching}>
        Save company details
      </button>
    </form>
  );
}

function Managers({ account, reload }: { account: Account; reload: () => void }) {
  const [{ data: me }] = useQuery({ query: MeQuery });
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [, remove] = useMutation(RemoveManager);
  const [, transfer] = useMutation(TransferOwnership);
  const myId = me?.me?.id;
  const iAmOwner = account.managers.some((m) => m.isOwner && m.user.id === myId);
  const onRemove = async (id: string, name: string) => {
    if (!window.confirm(`Remove ${name} as a manager of this account?`)) return;
    const answer = await remove({ id });
    setErrors(answer.data?.removeBillingAccountManager.userErrors ?? []);
    reload();
  };
  const onTransfer = async (id: string, name: string) => {
    if (!window.confirm(`Make ${name} the owner of this account?`)) return;
    const answer = await transfer({ accountId: account.id, managerId: id });
    setErrors(answer.data?.transferOwnership.userErrors ?? []);
    reload();
  };
  return (
    <div className="panel">
      <h2>Managers</h2>
      <ErrorList errors={errors} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {account.managers.map((m) => {
              const name = `${m.firstName} ${m.lastName}`;
              return (
                <tr key={m.id}>
                  <td>
                    {name}
                    {m.user.id === myId && " (you)"}
                  </td>
                  <td>{m.email}</td>
                  <td>
                    {[m.isOwner && "Owner", m.isSubscriptionContact && "Subscription contact",
                      m.isBillingContact && "Billing contact"].filter(Boolean).join(", ") || "Manager"}
                  </td>
                  <td className="actions">
                    {iAmOwner && !m.isOwner && (
                      <button type="button" className="secondary small" onClick={() => onTransfer(m.id, name)}>
                        Make owner<span className="sr-only"> {name}</span>
                      </button>
                    )}
                    {!m.isOwner && (
                      <button type="button" className="danger small" onClick={() => onRemove(m.id, name)}>
                        Remove<span className="sr-only"> {name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Invitations({ account, reload }: { account: Account; reload: () => void }) {
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  const [inviting, invite] = useMutation(Invite);
  const [, resend] = useMutation(Resend);
  const [, revoke] = useMutation(Revoke);
  const pending = account.invitations.filter((i) => i.status === "PENDING");
  const onInvite = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    const answer = await invite({ accountId: account.id, email });
    const userErrors = answer.data?.inviteBillingAccountManager.userErrors ?? [];
    setErrors(userErrors);
    if (answer.data?.inviteBillingAccountManager.invitation) {
      setSent(email);
      setEmail("");
      reload();
    }
  };
  const act = async (kind: "resend" | "revoke", id: string) => {
    const answer = kind === "resend" ? await resend({ id }) : await revoke({ id });
    const payload = answer.data && ("resendInvitation" in answer.data ? answer.data.resendInvitation : answer.data.revokeInvitation);
    setErrors(payload?.userErrors ?? []);
    setSent(null);
    reload();
  };
  return (
    <div className="panel">
      <h2>Invitations</h2>
      <p className="hint" data-testid="invitation-limit">
        {pending.length} of {INVITATION_LIMIT} pending invitations used. An invitation is valid for 7 days.
      </p>
      <form onSubmit={onInvite} className="inline-form" aria-label="Invite a manager">
        <Field label="Invite a manager by email" name="inviteEmail" type="email" required value={email}
          onChange={setEmail} error={errorFor(errors, "email")} />
        <button type="submit" disabled={inviting.fetching || pending.length >= INVITATION_LIMIT}>
          Send invitation
        </button>
      </form>
      <ErrorList errors={formErrors(errors, ["email"])} />
      {sent && <Status>Invitation sent to {sent}.</Status>}
      {pending.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((i) => (
                <tr key={i.id}>
                  <td>{i.displayName}</td>
                  <td>{i.email}</td>
                  <td>{date(i.expiresAt)}</td>
                  <td className="actions">
                    <button type="button" className="secondary small" onClick={() => act("resend", i.id)}>
                      Resend<span className="sr-only"> to {i.email}</span>
                    </button>
                    <button type="button" className="danger small" onClick={() => act("revoke", i.id)}>
                      Revoke<span className="sr-only"> {i.email}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Contacts({ account, reload }: { account: Account; reload: () => void }) {
  const managers = account.managers.map((m) => ({ value: m.id, label: `${m.firstName} ${m.lastName} <${m.email}>` }));
  const currentSubscription = account.subscriptionContact?.manager?.id ?? "";
  const [subscriptionManager, setSubscriptionManager] = useState(currentSubscription);
  const [kind, setKind] = useState<string>(account.billingContact.kind);
  const [billingManager, setBillingManager] = useState(account.billingContact.contact.manager?.id ?? managers[0]?.value ?? "");
  const custom = account.billingContact.kind === "CUSTOM" ? account.billingContact.contact : null;
  const [contact, setContact] = useState({
    firstName: custom?.firstName ?? "",
    lastName: custom?.lastName ?? "",
    email: custom?.email ?? "",
    phone: custom?.phone ?? "",
  });
  const [subErrors, setSubErrors] = useState<UserErrorLike[]>([]);
  const [billErrors, setBillErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [, setSubscription] = useMutation(SetSubscriptionContact);
  const [, setBilling] = useMutation(SetBillingContact);

  const onSubscription = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await setSubscription({ accountId: account.id, managerId: subscriptionManager });
    const userErrors = answer.data?.setSubscriptionContact.userErrors ?? [];
    setSubErrors(userErrors);
    if (answer.data && userErrors.length === 0) setDone("Subscription contact saved.");
    reload();
  };
  const onBilling = async (event: FormEvent) => {
    event.preventDefault();
    const input =
      kind === "SAME_AS_SUBSCRIPTION_CONTACT"
        ? { billingAccountId: account.id, sameAsSubscriptionContact: true }
        : kind === "BILLING_ACCOUNT_MANAGER"
          ? { billingAccountId: account.id, managerId: billingManager }
          : { billingAccountId: account.id, customContact: { ...contact, phone: contact.phone || null } };
    const answer = await setBilling({ input });
    const userErrors = answer.data?.setBillingContact.userErrors ?? [];
    setBillErrors(userErrors);
    if (answer.data && userErrors.length === 0) setDone("Billing contact saved.");
    reload();
  };
  const sc = account.subscriptionContact;
  const bc = account.billingContact.contact;
  const customFields = ["firstName", "lastName", "email", "phone"];
  return (
    <div className="panel">
      <h2>Contacts</h2>
      {done && <Status>{done}</Status>}
      <div className="grid2">
        <form onSubmit={onSubscription} aria-labelledby="sub-contact">
          <h3 id="sub-contact">Subscription contact</h3>
          <p className="hint">Receives subscription event notifications.</p>
          <p>{sc ? `${sc.firstName} ${sc.lastName} <${sc.email}>` : "Not chosen: choose a manager."}</p>
          <Select label="Manager" name="subscriptionContact" value={subscriptionManager}
            onChange={setSubscriptionManager}
            options={[...(currentSubscription ? [] : [{ value: "", label: "Choose a manager" }]), ...managers]}
            error={errorFor(subErrors, "managerId")} />
          <ErrorList errors={formErrors(subErrors, ["managerId"])} />
          <button type="submit" disabled={!subscriptionManager}>Save subscription contact</button>
        </form>
        <form onSubmit={onBilling} aria-labelledby="bill-contact">
          <h3 id="bill-contact">Billing contact</h3>
          <p className="hint">Receives invoices and subscription event notifications.</p>
          <p>{`${bc.firstName} ${bc.lastName} <${bc.email}>`}</p>
          <fieldset>
            <legend>Who</legend>
            {[
              ["SAME_AS_SUBSCRIPTION_CONTACT", "Same as the subscription contact"],
              ["BILLING_ACCOUNT_MANAGER", "A manager"],
              ["CUSTOM", "Someone else"],
            ].map(([value, label]) => (
              <label key={value} className="radio">
                <input type="radio" name="billingKind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                {label}
              </label>
            ))}
          </fieldset>
          {kind === "BILLING_ACCOUNT_MANAGER" && (
            <Select label="Billing manager" name="billingManager" value={billingManager} onChange={setBillingManager}
              options={managers} error={errorFor(billErrors, "managerId")} />
          )}
          {kind === "CUSTOM" && (
            <>
              <div className="grid2">
                <Field label="Contact first name" name="contactFirstName" value={contact.firstName} required
                  onChange={(v) => setContact({ ...contact, firstName: v })} error={errorFor(billErrors, "firstName")} />
                <Field label="Contact last name" name="contactLastName" value={contact.lastName} required
                  onChange={(v) => setContact({ ...contact, lastName: v })} error={errorFor(billErrors, "lastName")} />
              </div>
              <Field label="Contact email" name="contactEmail" type="email" value={contact.email} required
                onChange={(v) => setContact({ ...contact, email: v })} error={errorFor(billErrors, "email")} />
              <Field label="Contact phone" name="contactPhone" value={contact.phone}
                onChange={(v) => setContact({ ...contact, phone: v })} error={errorFor(billErrors, "phone")} />
            </>
          )}
          <ErrorList errors={formErrors(billErrors, [...customFields, "managerId"])} />
          <button type="submit">Save billing contact</button>
        </form>
      </div>
    </div>
  );
}
