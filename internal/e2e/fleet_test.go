package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
	"github.com/astro-gateway/gateway/internal/versions"
)

// fleetSim is one simulator of the fleet and what its own API says.
type fleetSim struct {
	name, platform, base, token string
	proc                        *process
	// From the simulator's own API: its deployments' runtime versions,
	// and the runtime releases it offers.
	runtimes []string
	releases []string
}

// astroOwn reads an astrosim's deployments and runtime releases through its
// own API, with its personal token.
func astroOwn(t *testing.T, s *fleetSim) {
	var orgs struct {
		Organizations []struct{ ID string } `json:"organizations"`
	}
	simGet(t, s.base+"/v1/organizations", s.token, &orgs)
	for _, o := range orgs.Organizations {
		for offset := 0; ; offset += 1000 {
			var page struct {
				Deployments []struct {
					AstroRuntimeVersion string `json:"astroRuntimeVersion"`
				} `json:"deployments"`
				TotalCount int `json:"totalCount"`
			}
			simGet(t, fmt.Sprintf("%s/v1/organizations/%s/deployments?limit=1000&offset=%d", s.base, o.ID, offset), s.token, &page)
			for _, d := range page.Deployments {
				s.runtimes = append(s.runtimes, d.AstroRuntimeVersion)
			}
			if offset+1000 >= page.TotalCount {
				break
			}
		}
		var opts struct {
			RuntimeReleases []struct{ Version string } `json:"runtimeReleases"`
		}
		simGet(t, s.base+"/v1/organizations/"+o.ID+"/deployment-options", s.token, &opts)
		for _, r := range opts.RuntimeReleases {
			s.releases = append(s.releases, r.Version)
		}
	}
}

// houstonOwn reads a houstonsim's deployments and runtime releases with one
// GraphQL document of its own.
func houstonOwn(t *testing.T, s *fleetSim) {
	body, _ := json.Marshal(map[string]string{"query": `{ paginatedDeployments(take: -1) { id runtimeVersion } runtimeReleases { version } }`})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.base+"/v1", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data struct {
			PaginatedDeployments []struct{ RuntimeVersion *string }
			RuntimeReleases      []struct{ Version string }
		}
		Errors []any
	}
	require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
	require.Empty(t, out.Errors, "%s", raw)
	for _, d := range out.Data.PaginatedDeployments {
		v := ""
		if d.RuntimeVersion != nil {
			v = *d.RuntimeVersion
		}
		s.runtimes = append(s.runtimes, v)
	}
	for _, r := range out.Data.RuntimeReleases {
		s.releases = append(s.releases, r.Version)
	}
}

// current counts the deployments on the newest release the simulator offers.
func (s *fleetSim) current() int {
	latest, ok := versions.Newest(s.releases)
	n := 0
	for _, r := range s.runtimes {
		if v, okv := versions.ParseRuntime(r); ok && okv && versions.Compare(v, latest) >= 0 {
			n++
		}
	}
	return n
}

// TestFleet: two Astro organizations (two astrosims) and two Software
// installations (houstonsims posing as Houston 0.34 and 2.1) behind one
// gateway configured by a YAML file.
func TestFleet(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	sims := []*fleetSim{
		{name: "org-a", platform: "ASTRO"}, {name: "org-b", platform: "ASTRO"},
		{name: "prod", platform: "SOFTWARE"}, {name: "legacy", platform: "SOFTWARE"},
	}
	for i, s := range sims {
		seed := fmt.Sprint(i%2 + 1)
		if s.platform == "ASTRO" {
			s.proc = start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-seed", seed)
			_, s.base = s.proc.await(t, simAddr)
			s.token = simToken(t, s.base, "PERSONAL")
			astroOwn(t, s)
		} else {
			version := map[string]string{"prod": "2.1.0", "legacy": "0.34.0"}[s.name]
			s.proc = start(t, filepath.Join(bin, "houstonsim"), nil, "-listen", "127.0.0.1:0", "-seed", seed, "-houston-version", version)
			_, s.base = s.proc.await(t, simAddr)
			s.token = simToken(t, s.base, "SYSTEM_ADMIN")
			houstonOwn(t, s)
		}
		require.NotEmpty(t, s.runtimes, s.name)
	}
	dir := t.TempDir()
	secret := filepath.Join(dir, "legacy.token")
	require.NoError(t, os.WriteFile(secret, []byte(sims[3].token+"\n"), 0o600))
	conf := filepath.Join(dir, "fleet.yaml")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, `
astro:
  - name: org-a
    url: %s/v1
    token: ${ORG_A_TOKEN}
  - name: org-b
    url: %s/v1
    token: ${ORG_B_TOKEN}
software:
  - name: prod
    url: %s/v1
    token: ${PROD_HOUSTON_TOKEN}
  - name: legacy
    url: %s/v1
    tokenFile: %s
`, sims[0].base, sims[1].base, sims[2].base, sims[3].base, secret), 0o600))
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=", "HOUSTON_URL=", "PORT=", "GATEWAY_CONFIG=",
		"GATEWAY_KEYS=fleet-key", "ORG_A_TOKEN=" + sims[0].token, "ORG_B_TOKEN=" + sims[1].token, "PROD_HOUSTON_TOKEN=" + sims[2].token},
		"-listen", "127.0.0.1:0", "-config", conf)
	_, base := gw.await(t, playground)
	url := base + "graphql"
	key := map[string]string{"X-Gateway-Key": "fleet-key"}
	for _, s := range sims {
		assert.NotContains(t, gw.output(), s.token, "no token in the gateway's log")
	}

	want := map[string]int{}
	sum := 0
	for _, s := range sims {
		want[s.name] = len(s.runtimes)
		sum += len(s.runtimes)
	}

	// One query lists every backend's deployments.
	r := testenv.Post(t, url, `{ deployments(first: 500) { totalCount nodes { id backend platform
		... on SoftwareDeployment { installation workspace { name backend } } } } }`, nil, key)
	require.Empty(t, r.Errors)
	var list struct {
		Deployments struct {
			TotalCount int
			Nodes      []struct {
				ID, Backend, Platform, Installation string
				Workspace                           *struct{ Name, Backend string }
			}
		}
	}
	r.Decode(t, &list)
	assert.Equal(t, sum, list.Deployments.TotalCount, "the total is the sum of the four backends'")
	got := map[string]int{}
	for _, n := range list.Deployments.Nodes {
		got[n.Backend]++
		if n.Platform == "SOFTWARE" {
			assert.Equal(t, n.Backend, n.Installation)
			require.NotNil(t, n.Workspace, "a Software deployment's workspace is read from its own installation")
			assert.Equal(t, n.Backend, n.Workspace.Backend)
		}
	}
	if sum <= 500 {
		assert.Equal(t, want, got, "every backend's deployments, each saying where it lives")
	}

	// Filtered by backend name.
	r = testenv.Post(t, url, `{ deployments(first: 1, filter: {backends: ["legacy", "org-b"]}) { totalCount } }`, nil, key)
	require.Empty(t, r.Errors)
	var one struct{ Deployments struct{ TotalCount int } }
	r.Decode(t, &one)
	assert.Equal(t, want["legacy"]+want["org-b"], one.Deployments.TotalCount)

	// deploymentReport agrees with the simulators' own counts.
	r = testenv.Post(t, url, `{ deploymentReport(groupBy: BACKEND) { total rows { key count astro software } } }`, nil, key)
	require.Empty(t, r.Errors)
	var rep struct {
		DeploymentReport struct {
			Total int
			Rows  []struct {
				Key                    string
				Count, Astro, Software int
			}
		}
	}
	r.Decode(t, &rep)
	assert.Equal(t, sum, rep.DeploymentReport.Total)
	byKey := map[string]int{}
	for _, row := range rep.DeploymentReport.Rows {
		byKey[row.Key] = row.Count
	}
	assert.Equal(t, want, byKey)

	// upgradeReport too: per backend, the deployments on the newest
	// release that backend offers.
	r = testenv.Post(t, url, `{ upgradeReport { total rows { backend lag runtimeVersion }
		byBackend { backend platform latestRuntimeVersion total current patch minor major unknown airflowEndOfLife } byLag { lag count } } }`, nil, key)
	require.Empty(t, r.Errors)
	var up struct {
		UpgradeReport struct {
			Total     int
			Rows      []struct{ Backend, Lag string }
			ByBackend []struct {
				Backend, Platform, LatestRuntimeVersion                        string
				Total, Current, Patch, Minor, Major, Unknown, AirflowEndOfLife int
			}
			ByLag []struct {
				Lag   string
				Count int
			}
		}
	}
	r.Decode(t, &up)
	t.Logf("per backend: %v; upgrade report by backend: %+v; by lag: %+v", want, up.UpgradeReport.ByBackend, up.UpgradeReport.ByLag)
	assert.Equal(t, sum, up.UpgradeReport.Total)
	assert.Len(t, up.UpgradeReport.Rows, sum)
	require.Len(t, up.UpgradeReport.ByBackend, 4)
	lagSum := 0
	for _, l := range up.UpgradeReport.ByLag {
		lagSum += l.Count
	}
	assert.Equal(t, sum, lagSum)
	for i, b := range up.UpgradeReport.ByBackend {
		s := sims[i]
		assert.Equal(t, s.name, b.Backend, "in the fleet's order")
		latest, _ := versions.Newest(s.releases)
		assert.Equal(t, latest.String(), b.LatestRuntimeVersion, s.name)
		assert.Equal(t, len(s.runtimes), b.Total, s.name)
		assert.Equal(t, s.current(), b.Current, s.name)
		assert.Equal(t, b.Total, b.Current+b.Patch+b.Minor+b.Major+b.Unknown, s.name)
	}
	assert.Equal(t, "3.0-4", up.UpgradeReport.ByBackend[0].LatestRuntimeVersion, "Astro's 3.0-x runtimes sort above 13.0.0")

	// The backends, with the Houston version each installation reports.
	r = testenv.Post(t, url, `{ backends { name platform reachable tokenHeader version } }`, nil, key)
	require.Empty(t, r.Errors)
	assert.Contains(t, string(r.Data), `"name":"legacy","platform":"SOFTWARE","reachable":true,"tokenHeader":"X-Houston-Token-legacy","version":"0.34.0"`)
	assert.Contains(t, string(r.Data), `"name":"prod","platform":"SOFTWARE","reachable":true,"tokenHeader":"X-Houston-Token-prod","version":"2.1.0"`)

	// A caller with its own credentials for two backends and no gateway
	// key reaches those two only.
	r = testenv.Post(t, url, `{ deployments(first: 1) { totalCount } }`, nil,
		map[string]string{"X-Houston-Token-legacy": sims[3].token, "X-Astro-Token-org-b": sims[1].token})
	require.Empty(t, r.Errors)
	r.Decode(t, &one)
	assert.Equal(t, want["legacy"]+want["org-b"], one.Deployments.TotalCount)

	// The exports: one row per deployment, with a header row.
	csvRows := exportRows(t, base+"export/deployments.csv", key)
	require.Len(t, csvRows, sum+1)
	assert.Equal(t, []string{"backend", "platform", "id", "deploymentId", "name", "status", "runtimeVersion", "airflowVersion",
		"workspaceId", "workspaceName", "releaseName", "createdAt", "updatedAt"}, csvRows[0])
	fromCSV := map[string]int{}
	ids := map[string]bool{}
	for _, row := range csvRows[1:] {
		fromCSV[row[0]]++
		ids[row[2]] = true
	}
	assert.Equal(t, want, fromCSV)
	assert.Len(t, ids, sum, "no deployment twice")
	upRows := exportRows(t, base+"export/upgrade-report.csv?backends=org-a,prod", key)
	assert.Len(t, upRows, want["org-a"]+want["prod"]+1)
	assert.Equal(t, "latestRuntimeVersion", upRows[0][8])

	// One installation stops: partial data, with an error naming it.
	sims[3].proc.cmd.Cancel()
	_ = sims[3].proc.cmd.Wait()
	r = testenv.Post(t, url, `{ deployments(first: 1) { totalCount } }`, nil,
		map[string]string{"X-Gateway-Key": "fleet-key", "Cache-Control": "no-cache"})
	require.NotEmpty(t, r.Errors, "the stopped installation is reported")
	r.Decode(t, &one)
	assert.Equal(t, sum-want["legacy"], one.Deployments.TotalCount, "the three others still answer")
	require.Len(t, r.Errors, 1)
	t.Logf("partial: %+v", r.Errors[0])
	assert.Equal(t, "legacy", r.Errors[0].Extensions["backendName"])
	assert.True(t, strings.HasPrefix(r.Errors[0].Message, "legacy: "), r.Errors[0].Message)
	assert.NotEmpty(t, r.Errors[0].Extensions["code"])

	// The export says so too: in NDJSON, a last line with the errors.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"export/deployments.ndjson", nil)
	require.NoError(t, err)
	req.Header.Set("X-Gateway-Key", "fleet-key")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Len(t, lines, sum-want["legacy"]+1)
	assert.Contains(t, lines[len(lines)-1], `"backendName":"legacy"`)
	assert.Contains(t, resp.Trailer.Get("X-Export-Errors"), "legacy")
}

// exportRows downloads a CSV export.
func exportRows(t *testing.T, url string, headers map[string]string) [][]string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	rows, err := csv.NewReader(resp.Body).ReadAll()
	require.NoError(t, err)
	return rows
}
