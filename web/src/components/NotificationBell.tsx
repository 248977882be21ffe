import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation } from "urql";
import { date } from "../format";
import { graphql } from "../gql";
import { useLive } from "../live";

export const MarkReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!], $all: Boolean) {
    markNotificationsRead(ids: $ids, all: $all) {
      unreadCount
      userErrors {
        code
        message
      }
    }
  }
`);

/** The bell: unread count, the newest notifications, and a polite announcement of each new
 * one as it arrives over the live stream. */
export function NotificationBell() {
  const live = useLive();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const [, markRead] = useMutation(MarkReadMutation);
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    const onClick = (event: MouseEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const markAll = async () => {
    await markRead({ all: true });
    live.refresh();
  };

  return (
    <div className="bell" ref={wrapper}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Notifications, ${live.unreadCount} unread`}
        onClick={() => setOpen((value) => !value)}
        data-connection={live.connection}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor"
          strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="bell-icon">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {live.unreadCount > 0 && (
          <span className="badge" data-testid="unread-count">
            {live.unreadCount}
          </span>
        )}
      </button>
      <div className={live.latest ? "toast" : "sr-only"} aria-live="polite" data-testid="live-announcement">
        {live.latest ? `New notification: ${live.latest.title}` : ""}
      </div>
      {open && (
        <div id={panelId} className="bell-panel" role="region" aria-label="Notifications">
          <div className="row">
            <strong>Notifications</strong>
            <button type="button" className="link" onClick={markAll} disabled={live.unreadCount === 0}>
              Mark all read
            </button>
          </div>
          {live.connection === "reconnecting" && <p className="hint">Reconnecting…</p>}
          {live.items.length === 0 ? (
            <p>Nothing yet.</p>
          ) : (
            <ul className="notifications">
              {live.items.slice(0, 10).map((item) => (
                <li key={item.id} className={item.readAt ? "read" : "unread"}>
                  <strong>{item.title}</strong>
                  <span>{item.message}</span>
                  <small>{date(item.createdAt)}</small>
                </li>
              ))}
            </ul>
          )}
          <Link to="/notifications" onClick={() => setOpen(false)}>
            All notifications
          </Link>
        </div>
      )}
    </div>
  );
}
