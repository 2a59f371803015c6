package gateway_test

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

const createDeploymentDoc = `mutation($in: CreateAstroDeploymentInput!) {
  createAstroDeployment(input: $in) { clientMutationId deployment { id deploymentId name } }
}`

// placeable is a workspace of org whose defaults place a deployment
// created with only a name.
func placeable(t *testing.T, r *opsRun, org string) string {
	t.Helper()
	data := r.read(t, `query($org: String!) { astro { organization(id: $org) { workspaces { nodes { workspaceId defaultClusterId defaultCloudProvider } } } } }`,
		map[string]any{"org": org})
	var ws struct {
		Astro struct {
			Organization struct {
				Workspaces struct {
					Nodes []struct {
						WorkspaceID          string  `json:"workspaceId"`
						DefaultClusterID     *string `json:"defaultClusterId"`
						DefaultCloudProvider *string `json:"defaultCloudProvider"`
					} `json:"nodes"`
				} `json:"workspaces"`
			} `json:"organization"`
		} `json:"astro"`
	}
	b, err := json.Marshal(data)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &ws))
	for _, w := range ws.Astro.Organization.Workspaces.Nodes {
		if w.DefaultClusterID != nil || w.DefaultCloudProvider != nil {
			return w.WorkspaceID
		}
	}
	t.Fatal("no placeable workspace")
	return ""
}

func deploymentInput(org, ws, name string, key any) map[string]any {
	in := map[string]any{"organizationId": org, "deployment": map[string]any{"minimal": map[string]any{"workspaceId": ws, "name": name}}}
	if key != nil {
		in["clientMutationId"] = key
	}
	return map[string]any{"in": in}
}

type createPayload struct {
	CreateAstroDeployment struct {
		ClientMutationID *string `json:"clientMutationId"`
		Deployment       struct {
			ID, DeploymentID, Name string
		} `json:"deployment"`
	} `json:"createAstroDeployment"`
}

// TestClientMutationID: a create retried with its clientMutationId and the
// same input answers the first result without a second POST; the same key
// with another input is BAD_USER_INPUT; keys belong to a credential, and a
// name taken is refused with the holder's id.
func TestClientMutationID(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		ws := placeable(t, r, r.org)
		posts := func() int { return env.Astro.Stats().ByRoute[route("CreateDeployment")] }

		first := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "keyed", "key-1"))
		require.Empty(t, first.Errors)
		var p1 createPayload
		first.Decode(t, &p1)
		require.NotNil(t, p1.CreateAstroDeployment.ClientMutationID)
		assert.Equal(t, "key-1", *p1.CreateAstroDeployment.ClientMutationID)
		require.NotEmpty(t, p1.CreateAstroDeployment.Deployment.DeploymentID)
		before := posts()

		again := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "keyed", "key-1"))
		require.Empty(t, again.Errors)
		var p2 createPayload
		again.Decode(t, &p2)
		assert.Equal(t, p1, p2, "the first result")
		assert.Equal(t, before, posts(), "no second create")

		other := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "another name", "key-1"))
		require.Len(t, other.Errors, 1)
		assert.Equal(t, "BAD_USER_INPUT", other.Errors[0].Extensions["code"])
		assert.Equal(t, "input.clientMutationId", other.Errors[0].Extensions["field"])
		assert.Equal(t, before, posts(), "refused before any create")

		// The organization's own token is another credential: its key
		// space is its own, so the create is sent — and refused, as the
		// name is taken, naming the deployment that holds it.
		orgTok := ""
		for _, tok := range env.Astro.Tokens() {
			if tok.Label == "org:Acme Corp" {
				orgTok = tok.Token
			}
		}
		require.NotEmpty(t, orgTok)
		dup := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "keyed", "key-1"),
			map[string]string{"X-Astro-Token": orgTok, "X-Astro-Organization-Id": r.org})
		require.Len(t, dup.Errors, 1)
		e := dup.Errors[0]
		assert.Equal(t, "BAD_USER_INPUT", e.Extensions["code"])
		assert.Equal(t, p1.CreateAstroDeployment.Deployment.ID, e.Extensions["existingId"])
		assert.Equal(t, p1.CreateAstroDeployment.Deployment.DeploymentID, e.Extensions["existingUpstreamId"])
		assert.Equal(t, before+1, posts())

		plain := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "keyed", nil))
		require.Len(t, plain.Errors, 1, "without a key a retry is a new create, refused as a duplicate")
		assert.Equal(t, p1.CreateAstroDeployment.Deployment.ID, plain.Errors[0].Extensions["existingId"])
	})
}

// TestClientMutationIDConcurrent: duplicates sent together wait for the
// first instead of creating.
func TestClientMutationIDConcurrent(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		ws := placeable(t, r, r.org)
		latency := "150ms"
		_, err := env.Astro.Configure(astrosim.ConfigUpdate{Latency: &latency})
		require.NoError(t, err)
		before := env.Astro.Stats().ByRoute[route("CreateDeployment")]
		ids := make([]string, 5)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				resp := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, "together", "same-key"))
				if assert.Empty(t, resp.Errors) {
					var p createPayload
					resp.Decode(t, &p)
					ids[i] = p.CreateAstroDeployment.Deployment.DeploymentID
				}
			})
		}
		wg.Wait()
		assert.Equal(t, before+1, env.Astro.Stats().ByRoute[route("CreateDeployment")], "one create")
		for _, id := range ids {
			assert.Equal(t, ids[0], id)
		}
	})
}

// TestClientMutationIDOtherCreates: an Astro create without a lookup key
// and a Software create replay their first result too.
func TestClientMutationIDOtherCreates(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		q := `mutation($org: String!) { createAstroWorkspace(input: {organizationId: $org, name: "Keyed", clientMutationId: "ws-1"}) { clientMutationId workspace { workspaceId } } }`
		a := r.query(t, q, map[string]any{"org": r.org})
		require.Empty(t, a.Errors)
		b := r.query(t, q, map[string]any{"org": r.org})
		require.Empty(t, b.Errors)
		assert.JSONEq(t, string(a.Data), string(b.Data))
		assert.Contains(t, string(a.Data), `"clientMutationId":"ws-1"`)
		assert.Equal(t, 1, env.Astro.Stats().ByRoute[route("CreateWorkspace")])

		sq := `mutation { createSoftwareWorkspace(input: {name: "Keyed", clientMutationId: "sw-1"}) { clientMutationId workspace { id name } } }`
		h := map[string]string{"X-Houston-Token": env.HoustonToken}
		s1 := env.Query(t, sq, nil, h)
		require.Empty(t, s1.Errors)
		s2 := env.Query(t, sq, nil, h)
		require.Empty(t, s2.Errors)
		assert.JSONEq(t, string(s1.Data), string(s2.Data))
		assert.Equal(t, 1, env.Houston.Stats().ByRoute["createWorkspace"])
	})
}

// TestUnknownOutcomesResolvedByKey: with answers slower than the gateway
// waits for, creates of objects with a unique key — a deployment's name, an
// environment object's key, an allowed range — are looked up and answered
// with the object Astro made, exactly once each.
func TestUnknownOutcomesResolvedByKey(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true, Configure: func(c *config.Config) { c.UpstreamTimeout = 100 * time.Millisecond }}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		ws := placeable(t, r, r.org)
		latency := "50ms-200ms"
		_, err := env.Astro.Configure(astrosim.ConfigUpdate{Latency: &latency})
		require.NoError(t, err)
		// (The environment object's payload asks for no fields of the
		// object: reading it back is a GET that may time out too.)
		for i := range 4 {
			resp := r.query(t, createDeploymentDoc, deploymentInput(r.org, ws, fmt.Sprintf("slow-%d", i), nil))
			require.Empty(t, resp.Errors, "deployment %d", i)
			resp = r.query(t, `mutation($org: String!, $ws: String!, $key: String!) { createAstroEnvironmentObject(input: {organizationId: $org,
				objectKey: $key, scope: WORKSPACE, scopeEntityId: $ws, value: {environmentVariable: {value: "1"}}, clientMutationId: $key}) { clientMutationId } }`,
				map[string]any{"org": r.org, "ws": ws, "key": fmt.Sprintf("SLOW_%d", i)})
			require.Empty(t, resp.Errors, "environment object %d", i)
			resp = r.query(t, `mutation($org: String!, $cidr: String!) { createAstroAllowedIpAddressRange(input: {organizationId: $org, ipAddressRange: $cidr}) { allowedIpAddressRange { id } } }`,
				map[string]any{"org": r.org, "cidr": fmt.Sprintf("10.77.%d.0/24", i)})
			require.Empty(t, resp.Errors, "range %d", i)
		}
		none := "0"
		_, err = env.Astro.Configure(astrosim.ConfigUpdate{Latency: &none})
		require.NoError(t, err)
		data := r.read(t, `query($org: String!) { astro { organization(id: $org) {
			deployments(first: 1000) { nodes { name } } environmentObjects(first: 1000) { nodes { objectKey } } allowedIpAddressRanges(first: 1000) { nodes { ipAddressRange } } } } }`,
			map[string]any{"org": r.org})
		b, err := json.Marshal(data)
		require.NoError(t, err)
		for i := range 4 {
			for _, s := range []string{`"name":"slow-%d"`, `"objectKey":"SLOW_%d"`, `"ipAddressRange":"10.77.%d.0/24"`} {
				assert.Equal(t, 1, strings.Count(string(b), fmt.Sprintf(s, i)), "exactly one %s", fmt.Sprintf(s, i))
			}
		}
		t.Logf("upstream: %v", env.Astro.Stats().ByRoute)
	})
}

// TestClientMutationIDWithoutRedis: with REDIS_URL set and Redis away, a
// create with a key is refused — a key kept in one replica's memory would
// not stop another from creating again — and nothing reaches Astro; a
// create without one goes on (the limiter falls back).
func TestClientMutationIDWithoutRedis(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())
	testenv.Run(t, testenv.Config{NoHouston: true, Configure: func(c *config.Config) { c.RedisURL = "redis://" + dead + "/0" }}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		q := `mutation($org: String!, $key: String) { createAstroTeam(input: {organizationId: $org, name: "Keyed team", clientMutationId: $key}) { team { id } } }`
		resp := r.query(t, q, map[string]any{"org": r.org, "key": "team-1"})
		require.Len(t, resp.Errors, 1)
		assert.Equal(t, "UPSTREAM_UNAVAILABLE", resp.Errors[0].Extensions["code"])
		assert.NotContains(t, resp.Errors[0].Message, dead, "errors never name internal addresses")
		assert.Zero(t, env.Astro.Stats().ByRoute[route("CreateTeam")])
		resp = r.query(t, q, map[string]any{"org": r.org, "key": nil})
		require.Empty(t, resp.Errors)
		assert.Equal(t, 1, env.Astro.Stats().ByRoute[route("CreateTeam")])
	})
}
