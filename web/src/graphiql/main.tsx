// GraphiQL from the project's own bundle: nothing is loaded from another site. Queries and
// mutations go over HTTP POST, subscriptions over the websocket (graphql-transport-ws) with
// the Headers pane's Authorization sent in `connection_init`.
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { getOperationAST, parse } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { DEFAULT_DOCUMENT } from "./defaultDocument";

const url = new URL("/graphql", window.location.href).toString();
const wsUrl = url.replace(/^http/, "ws");
const http = createGraphiQLFetcher({ url });

let socket: { authorization: string; client: Client } | null = null;

/** One websocket per session token: a new token in the Headers pane opens a new one. */
function websocketFor(authorization: string): Client {
  if (socket?.authorization !== authorization) {
    void socket?.client.dispose();
    socket = {
      authorization,
      client: createClient({
        url: wsUrl,
        lazy: true,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
      }),
    };
  }
  return socket.client;
}

/** Parsed from the text sent, not GraphiQL's documentAST, which can lag behind the editor. */
function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    const operation = getOperationAST(parse(query), operationName ?? undefined);
    return operation?.operation === "subscription";
  } catch {
    return false;
  }
}

function header(headers: Record<string, unknown> | undefined, name: string): string {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found ? String(found[1]) : "";
}

const fetcher: Fetcher = (params, opts) => {
  if (isSubscription(params.query, params.operationName)) {
    const client = websocketFor(header(opts?.headers, "authorization"));
    const results = client.iterate({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    });
    // graphql-ws yields formatted (JSON) results, which is what GraphiQL displays.
    return results as unknown as ReturnType<Fetcher>;
  }
  return http(params, opts);
};

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_DOCUMENT}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
