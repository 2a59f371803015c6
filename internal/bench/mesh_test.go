package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMeshComparison is the side-by-side benchmark of docs/BENCHMARKS.md:
// this gateway and GraphQL Mesh + Hive Gateway (internal/bench/mesh, Node)
// over the same astrosim and houstonsim processes (bench dataset, no
// simulator rate limits; this gateway's rate limiter and per-caller
// concurrency bound off), on three equivalent
// queries, A/B interleaved, cache off and on. It needs node and npm, so it
// is skipped unless MESH_COMPARE=1:
//
//	MESH_COMPARE=1 go test ./internal/bench -run TestMeshComparison -v -timeout 30m
//
// Knobs: MESH_CLIENTS (32), MESH_SECONDS per run (10), MESH_ROUNDS (5),
// MESH_WARMUP seconds per gateway and query before the rounds (2),
// MESH_QUERIES (A,B,C), MESH_CACHE (off,on), MESH_FORK (Hive Gateway
// workers, 1).
func TestMeshComparison(t *testing.T) {
	if os.Getenv("MESH_COMPARE") == "" {
		t.Skip("side-by-side with GraphQL Mesh + Hive Gateway: set MESH_COMPARE=1 (needs node and npm; see docs/BENCHMARKS.md)")
	}
	spec, err := filepath.Abs("../../../shared/specs/astro/platform-v1.yaml")
	require.NoError(t, err)
	_, err = os.Stat(spec)
	require.NoError(t, err, "the Astro spec is read from ../shared")
	_, err = exec.LookPath("npm")
	require.NoError(t, err, "Mesh runs on node; npm installs it")

	clients := envInt("MESH_CLIENTS", 32)
	runFor := time.Duration(envInt("MESH_SECONDS", 10)) * time.Second
	rounds := envInt("MESH_ROUNDS", 5)
	warmup := time.Duration(envInt("MESH_WARMUP", 2)) * time.Second
	queries := envList("MESH_QUERIES", "A,B,C")
	modes := envList("MESH_CACHE", "off,on")

	dir := t.TempDir()
	bin := buildCommands(t, dir)
	astroAddr, houstonAddr := freeAddr(t), freeAddr(t)
	astro := startProc(t, dir, "astrosim", filepath.Join(bin, "astrosim"), nil, "-listen", astroAddr, "-dataset", "bench", "-rate-limit=false")
	houston := startProc(t, dir, "houstonsim", filepath.Join(bin, "houstonsim"), nil, "-listen", houstonAddr, "-dataset", "bench")
	astroURL, houstonURL := "http://"+astroAddr, "http://"+houstonAddr
	awaitPOST(t, astro, astroURL+"/_sim/reset", 30*time.Second)
	awaitPOST(t, houston, houstonURL+"/v1", 30*time.Second)
	sims := []sim{sim(astroURL), sim(houstonURL)}

	creds := newCredentials(t, astroURL, houstonURL, clients)
	t.Logf("organization %s; %d Astro tokens and %d Houston tokens, one per client", creds.org, len(creds.astro), len(creds.houston))

	// A target is one gateway process under load, and its rounds.
	type target struct {
		name string
		proc *proc
		url  string
		reqs []request
		runs map[string][]runResult // by query
	}
	type mode struct {
		cache   string
		targets []*target
	}
	var done []mode
	for _, cache := range modes {
		cacheOn := cache == "on"
		ourEnv := []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=" + houstonURL + "/v1", "PORT=", "ASTRO_RATE_LIMITS=0/0/0", "REQUEST_TIMEOUT=120s"}
		if !cacheOn {
			ourEnv = append(ourEnv, "CACHE_TTL=0")
		}
		startOurs := func(name string, env ...string) *target {
			addr := freeAddr(t)
			p := startProc(t, dir, name+"-cache-"+cache, filepath.Join(bin, "gateway"), append(slices.Clone(ourEnv), env...), "-listen", addr)
			return &target{name: "this gateway" + strings.TrimPrefix(name, "gateway"), proc: p, url: "http://" + addr + "/graphql", runs: map[string][]runResult{}}
		}
		ours := startOurs("gateway")
		targets := []*target{ours}
		if cacheOn {
			// All clients share one token here, so the gateway's bound on
			// one caller's requests at once (default 4) queues them; Hive
			// Gateway has no such bound. Measure both ways.
			targets = append(targets, startOurs("gateway, MAX_CONCURRENT_PER_CALLER=0", "MAX_CONCURRENT_PER_CALLER=0"))
		}
		meshAddr := freeAddr(t)
		meshEnv := []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=" + houstonURL + "/v1", "HOUSTON_SCHEMA_TOKEN=" + creds.houston[0],
			"PORT=" + strings.TrimPrefix(meshAddr, "127.0.0.1:"), "ASTRO_SPEC=" + spec, "MESH_OUT=" + dir, "MESH_FORK=" + strconv.Itoa(envInt("MESH_FORK", 1)),
			"MESH_RESPONSE_CACHE=" + strconv.FormatBool(cacheOn), "NODE_ENV=production"}
		mesh := &target{name: "Mesh + Hive Gateway", proc: startProc(t, dir, "mesh-cache-"+cache, "./mesh/start.sh", meshEnv), url: "http://" + meshAddr + "/graphql", runs: map[string][]runResult{}}
		targets = append(targets, mesh)
		for _, g := range targets {
			awaitPOST(t, g.proc, g.url, 5*time.Minute) // Mesh: npm ci on a first run, then composition
		}

		for _, name := range queries {
			q, ok := comparisonQueries[name]
			require.True(t, ok, "unknown query %q (want A, B or C)", name)
			if cache == modes[0] {
				checkSameData(t, q, creds, ours.url, mesh.url, sims)
			}
			// Cache off: every client its own credentials, so that neither
			// gateway can share one client's upstream answers with another.
			// Cache on: one user's dashboard, opened by every client.
			for _, g := range targets {
				g.reqs = make([]request, clients)
				for i := range clients {
					c := i
					if cacheOn {
						c = 0
					}
					if g == mesh {
						g.reqs[i] = newRequest(t, q.mesh, map[string]any{"org": creds.org}, creds.meshHeaders(c))
					} else {
						g.reqs[i] = newRequest(t, q.ours, map[string]any{"org": creds.org}, creds.oursHeaders(c))
					}
				}
				load(t, g.url, g.proc.cmd.Process.Pid, sims, g.reqs, warmup)
			}
			for i := range rounds {
				for _, g := range targets {
					r := load(t, g.url, g.proc.cmd.Process.Pid, sims, g.reqs, runFor)
					t.Logf("%s cache %s round %d, %s: %s", name, cache, i+1, g.name, r)
					g.runs[name] = append(g.runs[name], r)
				}
			}
		}
		for _, g := range targets {
			u, err := treeUsage(g.proc.cmd.Process.Pid)
			require.NoError(t, err)
			t.Logf("%s: VmHWM %s, VmRSS %s at the end", g.proc.name, mib(u.hwm), mib(u.rss))
			g.proc.stop()
		}
		done = append(done, mode{cache, targets})
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%d clients, %s per run, medians of %d rounds (peak RSS: the highest sample of any round)\n\n", clients, runFor, rounds)
	b.WriteString("| query | cache | gateway | requests/s | p50 | p99 | upstream calls/query | peak RSS | CPU s per 1,000 queries | errors |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	var firstErrs []string
	for _, name := range queries {
		for _, m := range done {
			for _, g := range m.targets {
				runs := g.runs[name]
				errs := sum(runs, func(x runResult) int { return x.errors })
				fmt.Fprintf(&b, "| %s | %s | %s | %.1f | %s | %s | %s | %s | %.2f | %d |\n", name, m.cache, g.name,
					median(runs, runResult.rps), ms(median(runs, func(x runResult) float64 { return float64(x.p50) })),
					ms(median(runs, func(x runResult) float64 { return float64(x.p99) })), calls(median(runs, runResult.callsPerQuery)),
					mib(slices.MaxFunc(runs, func(x, y runResult) int { return int(x.peakRSS - y.peakRSS) }).peakRSS),
					median(runs, runResult.cpuPer1000), errs)
				for _, r := range runs {
					if r.firstErr != nil {
						firstErrs = append(firstErrs, fmt.Sprintf("%s, cache %s, %s: %d errors, first: %v", name, m.cache, g.name, errs, r.firstErr))
						break
					}
				}
				// Errors are reported, not failed on: this gateway's
				// OVERLOADED (503) answers are its designed behaviour. A
				// target that answered nothing is broken.
				assert.Positive(t, sum(runs, func(x runResult) int { return x.queries }), "%s cache %s %s answered no query", name, m.cache, g.name)
			}
		}
	}
	for _, e := range firstErrs {
		b.WriteString("\n" + e)
	}
	t.Log(b.String())
	fmt.Println(b.String())
}

// comparisonQuery is one query as each gateway's schema spells it, and
// how to read the data both must agree on from each answer.
type comparisonQuery struct {
	ours, mesh         string
	oursData, meshData func(t *testing.T, body []byte) []string
	// also lists Mesh variants that are checked and reported, not timed.
	also map[string]string
}

var comparisonQueries = map[string]comparisonQuery{
	// A: first 100 Astro deployments with status and workspace { name
	// description }; the order is the API's, on both.
	"A": {
		ours: `query($org: String!) { astro { organization(id: $org) { deployments(first: 100) { nodes { name status workspace { name description } } } } } }`,
		mesh: `query($org: String!) { ListDeployments(organizationId: $org, limit: 100) { deployments { name status workspace { name description } } } }`,
		oursData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					Astro struct {
						Organization struct{ Deployments struct{ Nodes []deploymentA } }
					}
				}
			}
			decode(t, body, &d)
			return linesA(d.Data.Astro.Organization.Deployments.Nodes)
		},
		meshData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					ListDeployments struct{ Deployments []deploymentA }
				}
			}
			decode(t, body, &d)
			return linesA(d.Data.ListDeployments.Deployments)
		},
	},
	// B: 25 Astro workspaces with their deployments (all of them: Mesh
	// cannot page per parent). Mesh's batched Workspace.deployments gets one
	// page of at most 1,000 deployments for all workspaces together, which
	// on bench (2,000 deployments) drops half of them; the timed Mesh query
	// uses the link that lists each workspace's deployments on its own.
	"B": {
		ours: `query($org: String!) { astro { organization(id: $org) { workspaces(first: 25) { nodes { name deployments(first: 100) { nodes { name status } } } } } } }`,
		mesh: `query($org: String!) { ListWorkspaces(organizationId: $org, limit: 25) { workspaces { name deployments: deploymentsEach { name status } } } }`,
		also: map[string]string{"batched Workspace.deployments": `query($org: String!) { ListWorkspaces(organizationId: $org, limit: 25) { workspaces { name deployments { name status } } } }`},
		oursData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					Astro struct {
						Organization struct {
							Workspaces struct {
								Nodes []struct {
									Name        string
									Deployments struct{ Nodes []child }
								}
							}
						}
					}
				}
			}
			decode(t, body, &d)
			var out []string
			for _, w := range d.Data.Astro.Organization.Workspaces.Nodes {
				out = append(out, linesChildren(w.Name, w.Deployments.Nodes)...)
			}
			return sorted(out)
		},
		meshData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					ListWorkspaces struct {
						Workspaces []struct {
							Name        string
							Deployments []child
						}
					}
				}
			}
			decode(t, body, &d)
			var out []string
			for _, w := range d.Data.ListWorkspaces.Workspaces {
				out = append(out, linesChildren(w.Name, w.Deployments)...)
			}
			return sorted(out)
		},
	},
	// C: Houston workspaces with their deployments (all of them, 100 each on
	// bench).
	"C": {
		ours: `{ software { workspaces(first: 100) { nodes { name deployments(first: 100) { nodes { name: releaseName status } } } } } }`,
		mesh: `{ Houston_workspaces { name: label deployments { name: releaseName status } } }`,
		oursData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					Software struct {
						Workspaces struct {
							Nodes []struct {
								Name        string
								Deployments struct{ Nodes []child }
							}
						}
					}
				}
			}
			decode(t, body, &d)
			var out []string
			for _, w := range d.Data.Software.Workspaces.Nodes {
				out = append(out, linesChildren(w.Name, w.Deployments.Nodes)...)
			}
			return sorted(out)
		},
		meshData: func(t *testing.T, body []byte) []string {
			var d struct {
				Data struct {
					HoustonWorkspaces []struct {
						Name        string
						Deployments []child
					} `json:"Houston_workspaces"`
				}
			}
			decode(t, body, &d)
			var out []string
			for _, w := range d.Data.HoustonWorkspaces {
				out = append(out, linesChildren(w.Name, w.Deployments)...)
			}
			return sorted(out)
		},
	},
}

type deploymentA struct {
	Name, Status string
	Workspace    struct{ Name, Description string }
}

func linesA(ds []deploymentA) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = strings.Join([]string{d.Name, d.Status, d.Workspace.Name, d.Workspace.Description}, " | ")
	}
	return out
}

type child struct{ Name, Status string }

func linesChildren(parent string, cs []child) []string {
	out := make([]string, 0, len(cs)+1)
	out = append(out, parent) // a workspace without deployments still counts
	for _, c := range cs {
		out = append(out, parent+" / "+c.Name+" | "+c.Status)
	}
	return out
}

func sorted(s []string) []string { slices.Sort(s); return s }

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(body, v), "%.500s", body)
}

// checkSameData asks both gateways query q once and requires the same data
// from both, and logs what each answer cost upstream; Mesh variants that
// are not timed are checked and reported the same way.
func checkSameData(t *testing.T, q comparisonQuery, creds *credentials, oursURL, meshURL string, sims []sim) {
	t.Helper()
	vars := map[string]any{"org": creds.org}
	ask := func(url string, r request) ([]byte, int) {
		for _, s := range sims {
			s.reset(t)
		}
		body, err := r.do(t.Context(), http.DefaultClient, url)
		require.NoError(t, err)
		n := 0
		for _, s := range sims {
			n += s.requests(t)
		}
		return body, n
	}
	oursBody, oursCalls := ask(oursURL, newRequest(t, q.ours, vars, creds.oursHeaders(0)))
	meshBody, meshCalls := ask(meshURL, newRequest(t, q.mesh, vars, creds.meshHeaders(0)))
	want := q.oursData(t, oursBody)
	got := q.meshData(t, meshBody)
	require.NotEmpty(t, want)
	require.Equal(t, want, got, "both gateways answer the same data")
	t.Logf("same data: %d lines; one query costs %d upstream calls here, %d on Mesh", len(want), oursCalls, meshCalls)
	for name, mq := range q.also {
		body, calls := ask(meshURL, newRequest(t, mq, vars, creds.meshHeaders(0)))
		alt := q.meshData(t, body)
		t.Logf("Mesh with %s: %d upstream calls, %d of %d lines, same data: %t", name, calls, len(alt), len(want), slices.Equal(alt, want))
	}
}

// credentials are the tokens of the run: client i uses astro[i] and
// houston[i]; client 0's are the simulators' own organization and system
// admin tokens.
type credentials struct {
	org            string
	astro, houston []string
}

func (c *credentials) oursHeaders(i int) map[string]string {
	return map[string]string{"X-Astro-Token": c.astro[i], "X-Astro-Organization-Id": c.org, "X-Houston-Token": c.houston[i]}
}

func (c *credentials) meshHeaders(i int) map[string]string {
	return map[string]string{"Authorization": "Bearer " + c.astro[i], "X-Houston-Token": c.houston[i]}
}

// newCredentials gives every client tokens of its own with the same
// rights: Astro organization API tokens made with CreateApiToken, and
// Houston system admin logins (createToken).
func newCredentials(t *testing.T, astroURL, houstonURL string, n int) *credentials {
	t.Helper()
	c := &credentials{}
	var toks []struct {
		Token, Kind string
		Scope       []string
	}
	getJSON(t, astroURL+"/_sim/tokens", &toks)
	for _, tk := range toks {
		if tk.Kind == "ORGANIZATION" {
			c.org, c.astro = tk.Scope[0], []string{tk.Token}
			break
		}
	}
	require.NotEmpty(t, c.astro, "an organization token at %s/_sim/tokens", astroURL)
	for i := 1; i < n; i++ {
		var out struct{ Token string }
		postJSON(t, astroURL+"/v1/organizations/"+c.org+"/tokens", map[string]string{"Authorization": "Bearer " + c.astro[0]},
			map[string]any{"name": fmt.Sprintf("bench-client-%d", i), "role": "ORGANIZATION_OWNER", "scope": "ORGANIZATION"}, &out)
		require.NotEmpty(t, out.Token)
		c.astro = append(c.astro, out.Token)
	}
	for range n {
		var out struct {
			Data struct {
				CreateToken struct{ Token struct{ Value string } }
			}
		}
		postJSON(t, houstonURL+"/v1", nil, map[string]any{
			"query":     `mutation($id: String, $pw: String!) { createToken(identity: $id, password: $pw) { token { value } } }`,
			"variables": map[string]any{"id": "sysadmin@example.com", "pw": "houston-sim"},
		}, &out)
		require.NotEmpty(t, out.Data.CreateToken.Token.Value)
		c.houston = append(c.houston, out.Data.CreateToken.Token.Value)
	}
	return c
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func postJSON(t *testing.T, url string, headers map[string]string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	require.NoError(t, err)
	status, raw := testenv.PostRaw(t, url, body, headers)
	require.Less(t, status, 300, "POST %s", url)
	require.NoError(t, json.Unmarshal(raw, out))
}

// buildCommands builds the gateway and both simulators into dir/bin.
func buildCommands(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	for name, pkg := range map[string]string{"gateway": "../..", "astrosim": "../../cmd/astrosim", "houstonsim": "../../cmd/houstonsim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg).CombinedOutput()
		require.NoError(t, err, "build %s: %s", name, out)
	}
	return bin
}

func (r runResult) String() string {
	return fmt.Sprintf("%d queries %.1f/s p50 %s p99 %s, %.2f calls/query, %.2f CPU-s/1000, RSS %s, %d errors",
		r.queries, r.rps(), r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond), r.callsPerQuery(), r.cpuPer1000(), mib(r.peakRSS), r.errors)
}

func median(rs []runResult, f func(runResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func sum(rs []runResult, f func(runResult) int) int {
	n := 0
	for _, r := range rs {
		n += f(r)
	}
	return n
}

func ms(ns float64) string {
	d := time.Duration(ns)
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
}

// calls prints upstream calls per query with the digits a cached run
// needs (a few calls for thousands of queries).
func calls(n float64) string {
	if n != 0 && n < 0.1 {
		return fmt.Sprintf("%.4f", n)
	}
	return fmt.Sprintf("%.2f", n)
}

func mib(b int64) string { return fmt.Sprintf("%d MiB", b>>20) }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envList(name, def string) []string {
	v := os.Getenv(name)
	if v == "" {
		v = def
	}
	return strings.Split(v, ",")
}
