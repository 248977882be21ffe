// Writes dist/SOURCES.sha256: the sha256 of every file the build reads (everything under
// web/ except dist/, node_modules/ and dotfiles, plus ../schema.graphql), one line each,
// `<hex>  <path from the repository root>`, sorted by path.
// tests/test_web.py recomputes it without Node.js: a source changed without a rebuild
// fails there. `node scripts/stamp.mjs --check` compares instead of writing.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const SKIP = new Set(["dist", "node_modules"]);

function walk(dir, top = true) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || (top && SKIP.has(entry.name))) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path, false));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

const files = [...walk(web), join(root, "schema.graphql")]
  .map((path) => relative(root, path).split(sep).join("/"))
  .sort();
const manifest = files
  .map((path) => `${createHash("sha256").update(readFileSync(join(root, path))).digest("hex")}  ${path}\n`)
  .join("");
const target = join(web, "dist", "SOURCES.sha256");

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // missing: stale
  }
  if (current !== manifest) {
    console.error("web/dist is stale: run `npm run build` in web/ and commit web/dist.");
    process.exit(1);
  }
  console.log("web/dist matches its sources.");
} else {
  writeFileSync(target, manifest);
  console.log(`wrote ${relative(root, target)} (${files.length} sources)`);
}
