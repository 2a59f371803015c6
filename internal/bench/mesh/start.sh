#!/bin/sh
# Starts GraphQL Mesh + Hive Gateway for the side-by-side benchmark
# (internal/bench/mesh_test.go starts it; it can also be run by hand):
#
#   ASTRO_API_URL=http://127.0.0.1:8081/v1 HOUSTON_URL=http://127.0.0.1:8082/v1 \
#   HOUSTON_SCHEMA_TOKEN=<a houstonsim token> PORT=4000 [MESH_RESPONSE_CACHE=true] ./start.sh
#
# It installs the pinned packages if needed (npm ci), composes the
# supergraph from the Astro spec in ../shared (ASTRO_SPEC overrides the
# path) and Houston's introspected schema into MESH_OUT (a temporary
# directory by default), then replaces itself with the gateway process, so
# that the caller's pid is the gateway's.
set -eu
cd "$(dirname "$0")"
: "${ASTRO_SPEC:=$(cd ../../.. && pwd)/../shared/specs/astro/platform-v1.yaml}"
export ASTRO_SPEC
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
out=${MESH_OUT:-$(mktemp -d)}
node_modules/.bin/mesh-compose -o "$out/supergraph.graphql" >&2
exec node_modules/.bin/hive-gateway supergraph -c gateway.config.ts "$out/supergraph.graphql" --host 127.0.0.1 --port "${PORT:-4000}" --fork "${MESH_FORK:-1}"
