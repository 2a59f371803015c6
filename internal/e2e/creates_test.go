package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

const createDeployment = `mutation($in: CreateAstroDeploymentInput!) {
  createAstroDeployment(input: $in) { clientMutationId deployment { id deploymentId name } }
}`

type createdDeployment struct {
	CreateAstroDeployment *struct {
		ClientMutationID string `json:"clientMutationId"`
		Deployment       struct {
			ID           string `json:"id"`
			DeploymentID string `json:"deploymentId"`
			Name         string `json:"name"`
		} `json:"deployment"`
	} `json:"createAstroDeployment"`
}

// TestCreatesHappenOnce is issue 10's test of exactly-once creates: Astro
// (astrosim) fails a fifth of its requests — writes half of the time after
// acting — and answers in 50–200 ms, while the gateway gives each upstream
// attempt 100 ms (UPSTREAM_TIMEOUT), so most creates time out after Astro made
// them. 50 deployment creates, then the same 50 retried with their
// clientMutationId, must leave exactly 50 deployments at the simulator, and
// every create must be reported as created, with the deployment's id —
// the retry with the same id. With Redis installed the retries go to a
// second replica, which finds the first one's keys in Redis.
func TestCreatesHappenOnce(t *testing.T) {
	bin := binaries(t)
	as := start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-dataset", "small")
	_, astroURL := as.await(t, simAddr)
	// Five clients of one token at once: lift the per-caller bound (half
	// the CPUs by default), which would queue them before any create.
	env := []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=", "PORT=", "UPSTREAM_TIMEOUT=100ms", "MAX_CONCURRENT_PER_CALLER=16"}
	replicas := 1
	if _, err := exec.LookPath("redis-server"); err == nil {
		env = append(env, "REDIS_URL="+redisServer(t))
		replicas = 2
	}
	var gateways []string
	for range replicas {
		gw := start(t, filepath.Join(bin, "gateway"), env, "-listen", "127.0.0.1:0")
		_, url := gw.await(t, playground)
		gateways = append(gateways, url+"graphql")
	}

	org := simScope(t, astroURL, "ORGANIZATION")
	tok := simToken(t, astroURL, "ORGANIZATION")
	ws := placeableWorkspace(t, astroURL, tok, org)
	headers := map[string]string{"X-Astro-Token": tok, "X-Astro-Organization-Id": org}
	configureSim(t, astroURL, `{"latency": "50ms-200ms", "failRate": 0.2}`)

	const n = 50
	create := func(gateway string, i int) (id string, errs []testenv.Error) {
		in := map[string]any{
			"organizationId":   org,
			"clientMutationId": fmt.Sprintf("create-%02d", i),
			"deployment":       map[string]any{"minimal": map[string]any{"workspaceId": ws, "name": fmt.Sprintf("once-%02d", i)}},
		}
		resp := testenv.Post(t, gateway, createDeployment, map[string]any{"in": in}, headers)
		if len(resp.Errors) > 0 {
			return "", resp.Errors
		}
		var out createdDeployment
		resp.Decode(t, &out)
		if !assert.NotNil(t, out.CreateAstroDeployment) {
			return "", nil
		}
		p := out.CreateAstroDeployment
		assert.Equal(t, fmt.Sprintf("create-%02d", i), p.ClientMutationID, "clientMutationId is echoed")
		assert.Equal(t, fmt.Sprintf("once-%02d", i), p.Deployment.Name)
		return p.Deployment.DeploymentID, nil
	}
	// A few clients at a time, as a dashboard or a script would send them.
	round := func(gateway string) []string {
		ids := make([]string, n)
		next := make(chan int)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				for i := range next {
					id, errs := create(gateway, i)
					assert.Empty(t, errs, "create %d must be reported as created", i)
					assert.NotEmpty(t, id, "create %d: the deployment's id", i)
					ids[i] = id
				}
			})
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		return ids
	}

	first := round(gateways[0])
	retried := round(gateways[len(gateways)-1])
	assert.Equal(t, first, retried, "a retry with the same clientMutationId returns the first result")

	configureSim(t, astroURL, `{"latency": "0", "failRate": 0}`)
	made := map[string]string{}
	for _, d := range listDeployments(t, astroURL, tok, org, ws) {
		if strings.HasPrefix(d.Name, "once-") {
			require.NotContains(t, made, d.Name, "two deployments named %s", d.Name)
			made[d.Name] = d.ID
		}
	}
	assert.Len(t, made, n, "exactly one deployment per create")
	for i, id := range first {
		assert.Equal(t, made[fmt.Sprintf("once-%02d", i)], id, "create %d reported the deployment Astro holds", i)
	}
	st := stats(t, astroURL)
	t.Logf("upstream: %d requests (%d POST deployments, %d GET deployments), %d throttled", st.Requests,
		st.ByRoute["POST /v1/organizations/{organizationId}/deployments"], st.ByRoute["GET /v1/organizations/{organizationId}/deployments"], st.Throttled)
}

func configureSim(t *testing.T, base, body string) {
	t.Helper()
	resp, err := http.Post(base+"/_sim/config", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

type simDeployment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
}

// listDeployments reads a workspace's deployments straight from the
// simulator's API.
func listDeployments(t *testing.T, base, tok, org, ws string) []simDeployment {
	t.Helper()
	var out struct {
		Deployments []simDeployment `json:"deployments"`
	}
	simGet(t, base+"/v1/organizations/"+org+"/deployments?limit=1000&workspaceIds="+ws, tok, &out)
	return out.Deployments
}

// placeableWorkspace is a workspace whose defaults place a deployment
// created with only a name.
func placeableWorkspace(t *testing.T, base, tok, org string) string {
	t.Helper()
	var out struct {
		Workspaces []struct {
			ID                   string `json:"id"`
			DefaultClusterID     string `json:"defaultClusterId"`
			DefaultCloudProvider string `json:"defaultCloudProvider"`
		} `json:"workspaces"`
	}
	simGet(t, base+"/v1/organizations/"+org+"/workspaces", tok, &out)
	for _, w := range out.Workspaces {
		if w.DefaultClusterID != "" || w.DefaultCloudProvider != "" {
			return w.ID
		}
	}
	t.Fatal("no workspace with a default cluster or region")
	return ""
}

func simGet(t *testing.T, url, tok string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, url)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}
