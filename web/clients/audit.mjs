// audit.mjs runs graphql-http's server audit (the GraphQL over HTTP spec's
// MUST, SHOULD and MAY checks) against a gateway and prints the results
// as JSON. Usage: node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
const out = [];
for (const r of results) {
  out.push({ id: r.id, name: r.name, status: r.status, reason: r.status === "ok" ? "" : r.reason });
}
console.log(JSON.stringify(out));
