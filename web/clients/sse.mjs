// sse.mjs is graphql-sse's client in single connection mode against a
// gateway: one reserved event stream carries a query's result and a log
// subscription's events; breaking off the subscription stops it (DELETE).
// Prints what it received as JSON.
// Usage: node sse.mjs http://127.0.0.1:8080/graphql '{"X-Houston-Token": "..."}' <deployment id>
import { createClient } from "graphql-sse";

const [url, headersJSON, deploymentId] = process.argv.slice(2);
const client = createClient({ url, singleConnection: true, headers: JSON.parse(headersJSON || "{}"), retryAttempts: 0 });

const out = { query: null, logs: [] };
for await (const r of client.iterate({ query: "{ deployments(first: 2) { totalCount nodes { name } } }" })) {
  out.query = r;
}
for await (const r of client.iterate({
  query: "subscription($id: ID!) { deploymentLogs(deploymentId: $id) { timestamp source message } }",
  variables: { id: deploymentId },
})) {
  out.logs.push(r);
  if (out.logs.length >= 3) break;
}
client.dispose();
console.log(JSON.stringify(out));
