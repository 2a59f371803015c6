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
// no network but loopback, runs the default query and reads the result.
func TestPlaygroundInBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
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
