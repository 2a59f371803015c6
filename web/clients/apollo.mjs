// apollo.mjs is a dashboard's Apollo Client against a gateway: with
// HttpLink and with BatchHttpLink it runs a valid query and one with a
// validation error, and prints what the application sees as JSON.
// Usage: node apollo.mjs http://127.0.0.1:8080/graphql '{"X-Astro-Token": "..."}'
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { BatchHttpLink } from "@apollo/client/link/batch-http/index.js";

const [url, headersJSON] = process.argv.slice(2);
const headers = JSON.parse(headersJSON || "{}");

const valid = gql`
  query Dashboard {
    deployments(first: 3) {
      totalCount
      nodes { id name platform }
    }
  }
`;
const invalid = gql`
  query Typo {
    deployments(first: 3) { nodez { name } }
  }
`;

async function outcome(client, query) {
  try {
    const r = await client.query({ query, fetchPolicy: "no-cache" });
    return { data: r.data, graphQLErrors: [], networkError: null };
  } catch (e) {
    return {
      data: null,
      graphQLErrors: (e.graphQLErrors ?? []).map((g) => ({ message: g.message, code: g.extensions?.code })),
      networkError: e.networkError ? String(e.networkError.message ?? e.networkError) : null,
    };
  }
}

// counting wraps fetch to count the HTTP requests a link makes.
function counting() {
  const c = { requests: 0 };
  c.fetch = (...args) => {
    c.requests++;
    return fetch(...args);
  };
  return c;
}

const out = {};
for (const name of ["HttpLink", "BatchHttpLink"]) {
  const c = counting();
  const link =
    name === "HttpLink"
      ? new HttpLink({ uri: url, headers, fetch: c.fetch })
      : new BatchHttpLink({ uri: url, headers, fetch: c.fetch, batchMax: 10, batchInterval: 20 });
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  // Sent together, so BatchHttpLink puts them in one request.
  const [ok, typo] = await Promise.all([outcome(client, valid), outcome(client, invalid)]);
  out[name] = { valid: ok, invalid: typo, requests: c.requests };
}
console.log(JSON.stringify(out));
