// The GraphQL client: urql with Graphcache (a normalized cache keyed by each object's
// global id), HTTP for queries and mutations, graphql-ws for subscriptions.
import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { Client, fetchExchange, subscriptionExchange } from "urql";
import { graphqlUrl, graphqlWsUrl } from "./config";

// Types without an `id` are values inside their parent, not cache entities.
const embedded = () => null;
const keys = Object.fromEntries(
  [
    "AccountPrompt",
    "ActivityConnection",
    "ActivityEdge",
    "Address",
    "BillingContact",
    "CompanyDetails",
    "Contact",
    "InvoiceConnection",
    "InvoiceEdge",
    "InvoiceLine",
    "LinkedGitlabAccount",
    "Money",
    "NotificationConnection",
    "NotificationEdge",
    "PageInfo",
    "Session",
    "SupportContact",
    "UserError",
  ].map((name) => [name, embedded]),
);

export interface Clients {
  urql: Client;
  ws: WsClient | null;
}

export function makeClients(token: string | null): Clients {
  const ws = token
    ? createWsClient({
        url: graphqlWsUrl,
        connectionParams: () => ({ authorization: `Bearer ${token}` }),
        lazy: true,
        keepAlive: 20_000,
        retryAttempts: Infinity,
        shouldRetry: () => true,
        retryWait: async (retries) => {
          const delay = Math.min(1000 * 2 ** retries, 15_000);
          await new Promise((resolve) => setTimeout(resolve, delay));
        },
      })
    : null;
  const exchanges = [
    cacheExchange({
      // Every type with an `id` (a global id, unique across the API) is one entity,
      // keyed by it: a mutation's answer updates that object wherever it is shown.
      keys,
    }),
    fetchExchange,
  ];
  if (ws) {
    exchanges.push(
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    );
  }
  const urql = new Client({
    url: graphqlUrl,
    exchanges,
    requestPolicy: "cache-and-network",
    fetchOptions: () => (token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
  return { urql, ws };
}
