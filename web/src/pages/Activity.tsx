import { useState } from "react";
import { useParams } from "react-router-dom";
import { useQuery } from "urql";
import { AccountNav } from "../components/AccountNav";
import { date, errorMessage } from "../format";
import { graphql } from "../gql";

const ActivityQuery = graphql(`
  query Activity($id: ID!, $first: Int!, $after: String) {
    billingAccount(id: $id) {
      id
      activity(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            actor
            action
            summary
            createdAt
          }
        }
      }
    }
  }
`);

/** Who changed what, and when; newest first. */
export function ActivityPage() {
  const { accountId = "" } = useParams();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data, error, fetching }] = useQuery({
    query: ActivityQuery,
    variables: { id: accountId, first: 20, after: cursors[cursors.length - 1] },
  });
  const activity = data?.billingAccount?.activity;
  return (
    <section>
      <AccountNav />
      <div className="panel">
        <h2>Activity</h2>
        {error && <p className="error">{errorMessage(error)}</p>}
        {activity && activity.edges.length === 0 && <p>Nothing happened yet.</p>}
        <ol className="activity">
          {activity?.edges.map(({ node }) => (
            <li key={node.id} data-action={node.action}>
              <time dateTime={node.createdAt}>{date(node.createdAt)}</time>
              <span>
                <strong>{node.actor}</strong>: {node.summary}
              </span>
            </li>
          ))}
        </ol>
        {activity && (
          <nav className="pager" aria-label="Activity pages">
            <button type="button" className="secondary small" disabled={cursors.length === 1 || fetching}
              onClick={() => setCursors(cursors.slice(0, -1))}>
              Newer
            </button>
            <button type="button" className="secondary small" disabled={!activity.pageInfo.hasNextPage || fetching}
              onClick={() => setCursors([...cursors, activity.pageInfo.endCursor ?? null])}>
              Older
            </button>
          </nav>
        )}
      </div>
    </section>
  );
}
