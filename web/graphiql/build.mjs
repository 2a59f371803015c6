// build.mjs bundles the GraphiQL page (src/) with GraphiQL, React and
// graphql-ws into internal/gateway/graphiql/, which the gateway embeds.
// Run by `go generate ./internal/gateway` after `npm ci` here; the output
// is committed, and CI checks that a fresh build reproduces it byte for
// byte (pinned packages, esbuild's deterministic output, no timestamps).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "node_modules", "esbuild"))) {
  console.error("web/graphiql: the pinned packages are not installed: run `npm ci` in web/graphiql first");
  process.exit(1);
}
const { build } = await import("esbuild");
const out = join(here, "..", "..", "internal", "gateway", "graphiql");
mkdirSync(out, { recursive: true });

await build({
  absWorkingDir: here,
  entryPoints: { graphiql: "src/index.jsx" },
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  jsx: "automatic",
  charset: "utf8",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  // Everything a stylesheet refers to goes inline: the page asks nothing of
  // any other host (Astronomer Software runs air-gapped).
  loader: { ".svg": "dataurl", ".png": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl" },
  logLevel: "warning",
});
copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));
