// Hive Gateway's configuration for the side-by-side benchmark
// (internal/bench/mesh_test.go). MESH_RESPONSE_CACHE=true turns on its
// response cache, per credential (the same key as the Go gateway's: a
// cached answer is never served to another token), for MESH_CACHE_TTL_MS
// (default 5000, the Go gateway's CACHE_TTL), in an in-memory LRU store
// large enough for every answer of the run.
import { defineConfig } from '@graphql-hive/gateway';
import InMemoryLRUCache from '@graphql-mesh/cache-inmemory-lru';

const responseCache = process.env.MESH_RESPONSE_CACHE === 'true';
const ttl = Number(process.env.MESH_CACHE_TTL_MS ?? '5000');

export const gatewayConfig = defineConfig({
  logging: 'error',
  cache: new InMemoryLRUCache({ max: 10_000 }),
  ...(responseCache
    ? {
        responseCaching: {
          ttl,
          session: (request: Request) =>
            `${request.headers.get('authorization') ?? ''}\n${request.headers.get('x-houston-token') ?? ''}`,
        },
      }
    : {}),
});
