package gateway_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// browser returns a headless Chromium context, or skips when no Chromium is
// installed (CI installs Debian's and sets REQUIRE_BROWSER=1, so there it
// fails instead).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatal("REQUIRE_BROWSER is set but chromium is not installed")
		}
		t.Skip("chromium not installed (apt-get install chromium); the playground test needs a real browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestPlaygroundInBrowser opens the playground in headless Chromium, with
// no network but loopback, and uses it as a person would. One browser
// serves the subtests, one after the other (Chromium is the heaviest thing
// the tests start).
func TestPlaygroundInBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	t.Run("query", func(t *testing.T) { playgroundQuery(t, ctx) })
	t.Run("follow logs", func(t *testing.T) { playgroundFollowsLogs(t, ctx) })
	t.Run("astro demo flow", func(t *testing.T) { playgroundAstroDemo(t, ctx) })
	t.Run("download export", func(t *testing.T) { playgroundDownloadsExport(t, ctx) })
}

// playgroundAstroDemo walks the "Astro demo" examples in order, as a person
// would: each one fills its variables, runs, and shows data, no errors.
func playgroundAstroDemo(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		base := strings.TrimSuffix(env.GatewayURL, "graphql")
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(base),
			chromedp.WaitVisible(chromedp.ID("run")),
			chromedp.SetValue(chromedp.ID("headers"), string(headers)),
		))
		for _, step := range []struct{ example, want string }{
			{"Astro demo 1: create a workspace with defaults", `"defaultRegion": "us-east-1"`},
			{"Astro demo 2: create a deployment with only a name", `"name": "demo-etl"`},
			{"Astro demo 3: find it on both platforms' list", `"totalCount": 1`},
			{"Astro demo 4: update it", `"description": "nightly ETL"`},
			{"Astro demo 5: read its logs", `"logs"`},
			{"Astro demo 6: delete it", `"deleteAstroDeployment"`},
		} {
			pick, err := json.Marshal(step.example)
			require.NoError(t, err)
			_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { document.getElementById("variables").value = "{}";
				document.getElementById("result").textContent = "";
				const s = document.getElementById("examples"); s.value = `+string(pick)+`; s.dispatchEvent(new Event("change")); })()`))
			require.NoError(t, err)
			if !strings.Contains(step.example, "find it") {
				_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("variables").value.includes("org")`))
				require.NoError(t, err, "%s: the page filled in its variables", step.example)
			}
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("run"))))
			_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("result").textContent.includes('"data"')`))
			require.NoError(t, err, step.example)
			result, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("result")))
			require.NoError(t, err)
			assert.NotContains(t, result, `"errors"`, "%s: %s", step.example, result)
			assert.Contains(t, result, step.want, step.example)
		}
	})
}

// playgroundQuery runs the default query and reads the result.
func playgroundQuery(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		base := strings.TrimSuffix(env.GatewayURL, "graphql")
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		err = chromedp.Do(ctx,
			chromedp.Navigate(base),
			chromedp.WaitVisible(chromedp.ID("run")),
			chromedp.SetValue(chromedp.ID("headers"), string(headers)),
			chromedp.Click(chromedp.ID("run")),
			chromedp.Query(chromedp.CSS("#status")),
		)
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("status").textContent.startsWith("200")`))
		require.NoError(t, err)
		result, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("result")))
		require.NoError(t, err)
		status, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("status")))
		require.NoError(t, err)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		if dir := os.Getenv("PLAYGROUND_SCREENSHOT_DIR"); dir != "" {
			_ = os.WriteFile(dir+"/playground.png", png, 0o644)
		}
		assert.True(t, strings.HasPrefix(status, "200"), "status line: %q", status)
		var body struct {
			Data struct {
				Deployments struct {
					TotalCount int `json:"totalCount"`
					Edges      []struct {
						Node struct{ Platform string } `json:"node"`
					} `json:"edges"`
				} `json:"deployments"`
			} `json:"data"`
			Errors []any `json:"errors"`
		}
		require.NoError(t, json.Unmarshal([]byte(result), &body), "result pane: %s", result)
		assert.Empty(t, body.Errors)
		assert.Positive(t, body.Data.Deployments.TotalCount)
		assert.NotEmpty(t, body.Data.Deployments.Edges)
	})
}

// playgroundFollowsLogs picks the Software logs example (the page finds a
// deployment to follow), runs it, sees log lines stream into the result
// pane over the websocket, and stops it.
func playgroundFollowsLogs(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		base := strings.TrimSuffix(env.GatewayURL, "graphql")
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		example := "Follow a Software deployment's logs"
		pick, err := json.Marshal(example)
		require.NoError(t, err)
		err = chromedp.Do(ctx,
			chromedp.Navigate(base),
			chromedp.WaitVisible(chromedp.ID("run")),
			chromedp.SetValue(chromedp.ID("headers"), string(headers)),
		)
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const s = document.getElementById("examples");
			s.value = `+string(pick)+`; s.dispatchEvent(new Event("change")); })()`))
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("variables").value.includes("deploymentId")`))
		require.NoError(t, err, "the page found a deployment to follow")
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("run"))))

		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("result").textContent.split("\n").filter(l => l.includes("message")).length >= 5`))
		require.NoError(t, err, "log lines stream in")
		status, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("status")))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(status, "streaming"), "status: %q", status)

		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("stop"))))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("status").textContent.startsWith("stopped")`))
		require.NoError(t, err)
		result, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("result")))
		require.NoError(t, err)
		if dir := os.Getenv("PLAYGROUND_SCREENSHOT_DIR"); dir != "" {
			if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(dir+"/playground-logs.png", png, 0o644)
			}
		}
		var n int
		for _, line := range strings.Split(strings.TrimSpace(result), "\n") {
			var ev struct {
				Data struct {
					DeploymentLogs struct {
						Timestamp time.Time `json:"timestamp"`
						Source    string    `json:"source"`
						Message   string    `json:"message"`
					} `json:"deploymentLogs"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(line), &ev), "line: %s", line)
			l := ev.Data.DeploymentLogs
			assert.Contains(t, []string{"SCHEDULER", "WORKER"}, l.Source)
			assert.NotEmpty(t, l.Message)
			n++
		}
		assert.GreaterOrEqual(t, n, 5)
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("stop").hidden`))
		require.NoError(t, err)
		assert.False(t, visible, "the Stop button goes away with the stream")
	})
}
