// The gateway's GraphiQL page. build.mjs bundles this file, GraphiQL and
// its React peers into internal/gateway/graphiql/ (go generate); the page
// loads nothing from any other host, so it works air-gapped.
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { useEditorContext } from "@graphiql/react";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import { useState } from "react";
import { examples, lookups } from "./examples.js";
import "graphiql/style.css";
import "./page.css";

const httpURL = new URL("graphql", location.href).href;
const wsURL = httpURL.replace(/^http/, "ws");

// The token headers a caller may send, pre-filled so that a person sees
// where they go; GraphiQL keeps the header editor in the browser's storage.
const defaultHeaders = JSON.stringify(
  { "X-Astro-Token": "", "X-Astro-Organization-Id": "", "X-Houston-Token": "" },
  null,
  2,
);

const httpFetcher = createGraphiQLFetcher({ url: httpURL });

// A browser cannot set headers on a websocket: a subscription's headers go
// in its connection_init payload, where the gateway reads the same keys.
// Each subscription gets its own connection, closed when it ends.
function fetcher(params, opts) {
  if (operationType(params, opts) !== "subscription") {
    return httpFetcher(params, opts);
  }
  const client = createClient({ url: wsURL, lazy: true, retryAttempts: 0, connectionParams: cleanHeaders(opts?.headers) });
  const it = client.iterate({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined });
  const close = () => client.dispose();
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => it.next().then((r) => (r.done && close(), r), (e) => (close(), Promise.reject(e))),
    return: () => it.return().finally(close),
  };
}

function operationType(params, opts) {
  try {
    const doc = opts?.documentAST ?? parse(params.query);
    return getOperationAST(doc, params.operationName ?? undefined)?.operation;
  } catch {
    return undefined;
  }
}

// cleanHeaders drops the empty pre-filled headers: an empty token is no token.
function cleanHeaders(h) {
  return Object.fromEntries(Object.entries(h ?? {}).filter(([, v]) => v !== "" && v != null));
}

// post runs a lookup with the headers of the header editor.
async function post(query, variables, headers) {
  const res = await fetch(httpURL, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...cleanHeaders(headers) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

// setupVariables finds the ids an example needs: the first ten
// deployments to watch; a deployment of a platform to follow; or the first
// Astro organization, its "Demo" workspace and "demo-etl" deployment for
// the Astro demo flow.
async function setupVariables(ex, headers) {
  if (ex.setup === "watch") {
    const d = await post(lookups.watch.query, {}, headers);
    const ids = (d?.deployments?.nodes ?? []).map((n) => n.id);
    if (ids.length === 0) throw new Error("no deployment visible with these headers");
    return { ids };
  }
  if (ex.platform) {
    const d = await post(lookups.platform.query, { p: ex.platform }, headers);
    const node = d?.deployments?.nodes?.[0];
    if (!node) throw new Error("no " + ex.platform + " deployment visible with these headers");
    return { deploymentId: node.id };
  }
  const d = await post(lookups.astro.query, {}, headers);
  const org = d?.astro?.organizations?.nodes?.[0];
  if (!org) throw new Error("no Astro organization visible with these headers");
  const vars = { org: org.organizationId };
  if (ex.setup === "workspace") {
    const ws = org.workspaces.nodes[0];
    if (!ws) throw new Error('run "Astro demo 1" first: no workspace named Demo');
    vars.workspaceId = ws.workspaceId;
  }
  if (ex.setup === "deployment") {
    const dep = org.deployments.nodes[0];
    if (!dep) throw new Error('run "Astro demo 2" first: no deployment named demo-etl');
    vars.deploymentId = dep.deploymentId;
  }
  return vars;
}

// Examples is a GraphiQL plugin: a list of examples; picking one puts it
// in the editors, its variables looked up first.
function Examples() {
  const { queryEditor, variableEditor, headerEditor } = useEditorContext({ nonNull: true });
  const [status, setStatus] = useState("");
  async function pick(name) {
    const ex = examples[name];
    queryEditor?.setValue(ex.query);
    variableEditor?.setValue("{}");
    if (!ex.setup && !ex.platform) {
      setStatus("");
      return;
    }
    setStatus("looking up ids…");
    try {
      let headers = {};
      const text = headerEditor?.getValue().trim();
      if (text) headers = JSON.parse(text);
      variableEditor?.setValue(JSON.stringify(await setupVariables(ex, headers), null, 2));
      setStatus("variables filled in: press Run");
    } catch (e) {
      setStatus(String(e.message || e));
    }
  }
  return (
    <div className="examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p className="examples-status" aria-live="polite">{status}</p>
      <ul>
        {Object.keys(examples).map((name) => (
          <li key={name}>
            <button type="button" className="examples-item" onClick={() => pick(name)}>
              {name}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" />
    </svg>
  );
}

const examplesPlugin = { title: "Examples", icon: ExamplesIcon, content: Examples };

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={[examplesPlugin]}
      defaultHeaders={defaultHeaders}
      shouldPersistHeaders={true}
      defaultQuery={examples["Deployments on both platforms"].query}
      defaultEditorToolsVisibility="headers"
    >
      <GraphiQL.Logo>Astro GraphQL gateway</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById("graphiql")).render(<App />);
