import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { MarkReadMutation } from "../components/NotificationBell";
import { date, errorMessage } from "../format";
import { NotificationFeedQueryDoc, useLive } from "../live";

/** The whole feed, paged, with read state (R-NOT-5). */
export function NotificationsPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const live = useLive();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: NotificationFeedQueryDoc,
    variables: { first: 20, after: cursors[cursors.length - 1], unreadOnly },
    requestPolicy: "cache-and-network",
  });
  const [, markRead] = useMutation(MarkReadMutation);
  const feed = data?.me?.notifications;
  const onRead = async (ids: string[] | null) => {
    await markRead(ids ? { ids } : { all: true });
    refetch({ requestPolicy: "network-only" });
    live.refresh();
  };
  return (
    <section>
      <h1>Notifications</h1>
      <div className="row">
        <label className="checkbox">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => { setUnreadOnly(e.target.checked); setCursors([null]); }} />
          Unread only
        </label>
        <button type="button" className="secondary small" onClick={() => onRead(null)} disabled={!feed?.unreadCount}>
          Mark all read
        </button>
      </div>
      {error && <p className="error">{errorMessage(error)}</p>}
      {feed && <p className="hint">{feed.unreadCount} unread</p>}
      <ul className="notifications panel">
        {feed?.edges.map(({ node }) => (
          <li key={node.id} className={node.readAt ? "read" : "unread"}>
            <strong>{node.title}</strong>
            <span>{node.message}</span>
            <small>{date(node.createdAt)}</small>
            {!node.readAt && (
              <button type="button" className="link" onClick={() => onRead([node.id])}>
                Mark read<span className="sr-only">: {node.title}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {feed && (
        <nav className="pager" aria-label="Notification pages">
          <button type="button" className="secondary small" disabled={cursors.length === 1 || fetching}
            onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <button type="button" className="secondary small" disabled={!feed.pageInfo.hasNextPage || fetching}
            onClick={() => setCursors([...cursors, feed.pageInfo.endCursor ?? null])}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
