// Two entries, one toolchain: the portal (index.html) and GraphiQL (graphiql.html).
// Built files go to dist/, which is committed so the API serves them without Node.js.
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.PORTAL_API_PROXY ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        portal: resolve(__dirname, "index.html"),
        graphiql: resolve(__dirname, "graphiql.html"),
      },
    },
  },
  server: {
    // `npm run dev`: the API runs beside it (scripts/serve); proxy what is not the app.
    proxy: {
      "/graphql": { target: api, ws: true },
      "/invoices": api,
      "/subscriptions": api,
      "/auth": api,
    },
  },
});
