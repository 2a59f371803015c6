// Package e2e runs the built binaries as separate processes — the gateway,
// astrosim and houstonsim — and talks to them over real HTTP, as a user
// following the README would.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds the three commands once per test binary.
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "gateway-e2e-")
		if buildErr != nil {
			return
		}
		for name, pkg := range map[string]string{"gateway": "../..", "astrosim": "../../cmd/astrosim", "houstonsim": "../../cmd/houstonsim"} {
			args := []string{"build", "-o", filepath.Join(binDir, name)}
			if raceEnabled && name == "gateway" {
				// The gateway under test runs with the race detector too,
				// as slow as it makes it.
				args = append(args, "-race")
			}
			out, err := exec.Command("go", append(args, pkg)...).CombinedOutput()
			if err != nil {
				buildErr = &buildError{name, string(out), err}
				return
			}
		}
	})
	require.NoError(t, buildErr)
	return binDir
}

type buildError struct {
	name, out string
	err       error
}

func (e *buildError) Error() string { return "build " + e.name + ": " + e.err.Error() + "\n" + e.out }

// process is a started binary whose output lines are scanned for a pattern.
type process struct {
	cmd   *exec.Cmd
	lines chan string
	mu    sync.Mutex
	all   []string
}

func start(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, lines: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.all = append(p.all, sc.Text())
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		_ = pw.Close()
	})
	return p
}

// await returns the first submatch of re in the output, waiting up to 30 s.
func (p *process) await(t *testing.T, re *regexp.Regexp) (line, match string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l := <-p.lines:
			if m := re.FindStringSubmatch(l); m != nil {
				return l, m[1]
			}
		case <-timeout:
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Fatalf("no line matching %s; output:\n%s", re, strings.Join(p.all, "\n"))
		}
	}
}

// output is everything the process printed so far.
func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.all, "\n")
}

var (
	simAddr    = regexp.MustCompile(`listening on (http://\S+)`)
	playground = regexp.MustCompile(`playground[=":]+(http://[^\s"]+/)`) // text or JSON logs
)

const dashboard = `{ deployments(first: 10) { totalCount edges { node { id name platform workspace { name } } } } }`

type dashboardData struct {
	Deployments struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Node struct {
				ID        string `json:"id"`
				Name      string `json:"name"`
				Platform  string `json:"platform"`
				Workspace struct {
					Name string `json:"name"`
				} `json:"workspace"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"deployments"`
}

func platforms(d dashboardData) map[string]int {
	out := map[string]int{}
	for _, e := range d.Deployments.Edges {
		out[e.Node.Platform]++
	}
	return out
}

func TestDemoMode(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=", "HOUSTON_URL=", "PORT="}, "-listen", "127.0.0.1:0")
	_, url := gw.await(t, playground)
	first := strings.SplitN(gw.output(), "\n", 2)[0]
	assert.Contains(t, first, "demo mode", "the first log line says so")

	// The playground page is served, with no external asset.
	resp, err := http.Get(url)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "<title>Astro GraphQL gateway")
	assert.NotRegexp(t, `src="https?://`, string(page), "no CDN: the playground works air-gapped")

	// Demo tokens are applied to callers that send none.
	r := testenv.Post(t, url+"graphql", dashboard, nil, nil)
	require.Empty(t, r.Errors)
	var d dashboardData
	r.Decode(t, &d)
	assert.NotEmpty(t, d.Deployments.Edges)
	// The demo is a fleet: two Astro organizations, two Software
	// installations, each with deployments.
	r = testenv.Post(t, url+"graphql", `{ deploymentReport(groupBy: BACKEND) { rows { key count astro software } } }`, nil, nil)
	require.Empty(t, r.Errors)
	var rep struct {
		DeploymentReport struct {
			Rows []struct {
				Key                    string
				Count, Astro, Software int
			}
		}
	}
	r.Decode(t, &rep)
	byBackend := map[string]int{}
	for _, row := range rep.DeploymentReport.Rows {
		byBackend[row.Key] = row.Count
	}
	for _, b := range []string{"acme", "globex", "default", "legacy"} {
		assert.Positive(t, byBackend[b], "deployments of the demo backend %s", b)
	}

	// A new user's own Organization API token (the demo dataset's, as
	// its simulator issues it) and nothing else answers with data.
	orgTok, ok := astrosim.New(astrosim.WithDataset("small")).TokenOfKind(astrosim.KindOrganization)
	require.True(t, ok)
	r = testenv.Post(t, url+"graphql", `{ deployments(first: 5, filter: {platforms: [ASTRO]}) { totalCount } }`, nil,
		map[string]string{"X-Astro-Token": orgTok.Token})
	require.Empty(t, r.Errors)
	var od struct{ Deployments struct{ TotalCount int } }
	r.Decode(t, &od)
	assert.Positive(t, od.Deployments.TotalCount)

	for _, path := range []string{"healthz", "readyz"} {
		resp, err := http.Get(url + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
}

func TestStandaloneSimulators(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	as := start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-dataset", "small")
	hs := start(t, filepath.Join(bin, "houstonsim"), nil, "-listen", "127.0.0.1:0", "-dataset", "small")
	_, astroURL := as.await(t, simAddr)
	_, houstonURL := hs.await(t, simAddr)

	astroTok := simToken(t, astroURL, "PERSONAL")
	houstonTok := simToken(t, houstonURL, "SYSTEM_ADMIN")

	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=" + houstonURL + "/v1", "PORT="}, "-listen", "127.0.0.1:0")
	_, url := gw.await(t, playground)
	assert.NotContains(t, gw.output(), "demo mode")

	headers := map[string]string{"X-Astro-Token": astroTok, "X-Houston-Token": houstonTok}
	r := testenv.Post(t, url+"graphql", dashboard, nil, headers)
	require.Empty(t, r.Errors)
	var d dashboardData
	r.Decode(t, &d)
	assert.Positive(t, platforms(d)["ASTRO"])
	assert.Positive(t, platforms(d)["SOFTWARE"])

	// A wrong token: an error naming the backend, and the other platform's data.
	for _, tc := range []struct{ header, backend, survivor string }{
		{"X-Astro-Token", "astro", "SOFTWARE"},
		{"X-Houston-Token", "houston", "ASTRO"},
	} {
		h := map[string]string{"X-Astro-Token": astroTok, "X-Houston-Token": houstonTok}
		h[tc.header] = "wrong-token"
		r := testenv.Post(t, url+"graphql", dashboard, nil, h)
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "UNAUTHENTICATED", r.Errors[0].Extensions["code"])
		assert.Equal(t, tc.backend, r.Errors[0].Extensions["backend"])
		var d dashboardData
		r.Decode(t, &d)
		require.NotEmpty(t, d.Deployments.Edges)
		assert.Equal(t, map[string]int{tc.survivor: len(d.Deployments.Edges)}, platforms(d))
	}

	// A new Astro user's first query: an Organization API token (a JWT)
	// and nothing else answers with data.
	orgTok := simToken(t, astroURL, "ORGANIZATION")
	r = testenv.Post(t, url+"graphql", `{ deployments(first: 5, filter: {platforms: [ASTRO]}) { totalCount nodes { name } } }`, nil,
		map[string]string{"X-Astro-Token": orgTok})
	require.Empty(t, r.Errors)
	var od struct{ Deployments struct{ TotalCount int } }
	r.Decode(t, &od)
	assert.Positive(t, od.Deployments.TotalCount)

	// No caller's token in the gateway's logs.
	for _, tok := range []string{astroTok, houstonTok, orgTok} {
		assert.NotContains(t, gw.output(), tok)
	}
}

// simToken reads a token of kind from a simulator's side door.
func simToken(t *testing.T, base, kind string) string {
	t.Helper()
	resp, err := http.Get(base + "/_sim/tokens")
	require.NoError(t, err)
	defer resp.Body.Close()
	var toks []struct{ Token, Kind string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&toks))
	for _, tk := range toks {
		if tk.Kind == kind {
			return tk.Token
		}
	}
	t.Fatalf("no %s token at %s", kind, base)
	return ""
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
