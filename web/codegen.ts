// Typed documents from the API's committed schema: `npm run codegen` rewrites src/gql/,
// `npm run codegen:check` fails when it is stale (CI runs it).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", Date: "string" },
        avoidOptionals: false,
      },
    },
  },
};

export default config;
