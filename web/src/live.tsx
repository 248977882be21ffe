// The live notification stream (R-NOT-2, R-NOT-5): one `notifications` subscription over
// graphql-ws for the signed-in user, resumed after the last id seen when the socket
// reconnects, with the feed re-read then so the unread count catches up.
import type { Client as WsClient } from "graphql-ws";
import { print } from "graphql";
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useQuery } from "urql";
import { graphql } from "./gql";
import type { NotificationFeedQuery } from "./gql/graphql";

export const NotificationFeedQueryDoc = graphql(`
  query NotificationFeed($first: Int!, $after: String, $unreadOnly: Boolean) {
    me {
      id
      notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
        unreadCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            event
            title
            message
            createdAt
            readAt
            billingAccount {
              id
            }
            invoice {
              id
            }
          }
        }
      }
    }
  }
`);

const LiveNotifications = graphql(`
  subscription LiveNotifications($after: ID) {
    notifications(after: $after) {
      id
      event
      title
      message
      createdAt
      readAt
      billingAccount {
        id
      }
      invoice {
        id
      }
    }
  }
`);

export type LiveNotification = NonNullable<NotificationFeedQuery["me"]>["notifications"]["edges"][number]["node"];

export type Connection = "off" | "connecting" | "live" | "reconnecting";

interface Live {
  items: LiveNotification[];
  unreadCount: number;
  connection: Connection;
  latest: LiveNotification | null;
  refresh: () => void;
}

const LiveContext = createContext<Live>({
  items: [],
  unreadCount: 0,
  connection: "off",
  latest: null,
  refresh: () => undefined,
});

export function useLive(): Live {
  return useContext(LiveContext);
}

export function LiveProvider({ ws, children }: { ws: WsClient | null; children: ReactNode }) {
  const [{ data }, refetch] = useQuery({
    query: NotificationFeedQueryDoc,
    variables: { first: 10 },
    pause: ws === null,
    requestPolicy: "network-only",
  });
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const [liveItems, setLiveItems] = useState<LiveNotification[]>([]);
  const [latest, setLatest] = useState<LiveNotification | null>(null);
  const [connection, setConnection] = useState<Connection>(ws ? "connecting" : "off");
  const feed = data?.me?.notifications;
  const feedLoaded = feed !== undefined;
  const newestInFeed = feed?.edges[0]?.node.id ?? null;
  const started = useRef(false);

  useEffect(() => {
    setLiveItems([]);
    setLatest(null);
    started.current = false;
    setConnection(ws ? "connecting" : "off");
  }, [ws]);

  useEffect(() => {
    if (!ws || !feedLoaded || started.current) return;
    started.current = true;
    // graphql-ws sends this same payload object again on every reconnect: keeping
    // `after` at the newest id seen makes the server replay exactly what was missed.
    const variables: { after: string | null } = { after: newestInFeed };
    const payload = { query: print(LiveNotifications), variables };
    const offConnected = ws.on("connected", (_socket, _payload, wasRetry) => {
      setConnection("live");
      if (wasRetry) refresh();
    });
    const offClosed = ws.on("closed", () => setConnection("reconnecting"));
    const stop = ws.subscribe<{ notifications: LiveNotification }>(payload, {
      next(result) {
        const item = result.data?.notifications;
        if (!item) return;
        variables.after = item.id;
        setLiveItems((items) => (items.some((i) => i.id === item.id) ? items : [item, ...items]));
        setLatest(item);
        refresh();
      },
      error() {
        setConnection("reconnecting");
      },
      complete() {
        setConnection("off");
      },
    });
    return () => {
      offConnected();
      offClosed();
      stop();
      started.current = false;
    };
    // Started once per websocket client; `after` then moves with the stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, feedLoaded]);

  const fromFeed = feed?.edges.map((edge) => edge.node) ?? [];
  const seen = new Set(fromFeed.map((item) => item.id));
  const items = [...liveItems.filter((item) => !seen.has(item.id)), ...fromFeed];
  const value: Live = {
    items,
    unreadCount: feed?.unreadCount ?? 0,
    connection,
    latest,
    refresh,
  };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
