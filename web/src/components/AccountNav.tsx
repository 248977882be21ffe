import { NavLink, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";

const AccountName = graphql(`
  query AccountName($id: ID!) {
    billingAccount(id: $id) {
      id
      company {
        name
      }
    }
  }
`);

/** The account's name and its sections, on every account page. */
export function AccountNav() {
  const { accountId = "" } = useParams();
  const [{ data, fetching }] = useQuery({ query: AccountName, variables: { id: accountId } });
  const base = `/accounts/${accountId}`;
  if (!fetching && data && !data.billingAccount) {
    return <p className="error">This billing account does not exist, or you do not manage it.</p>;
  }
  return (
    <div className="account-head">
      <p className="eyebrow">Billing account</p>
      <h1>{data?.billingAccount?.company.name ?? "…"}</h1>
      <nav aria-label="Account sections" className="tabs">
        <NavLink end to={base}>Overview</NavLink>
        <NavLink to={`${base}/subscriptions`}>Subscriptions</NavLink>
        <NavLink to={`${base}/cards`}>Cards</NavLink>
        <NavLink to={`${base}/invoices`}>Invoices</NavLink>
        <NavLink to={`${base}/activity`}>Activity</NavLink>
      </nav>
    </div>
  );
}
