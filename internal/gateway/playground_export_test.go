package gateway_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// playgroundDownloadsExport clicks the playground's deployments.csv button,
// as a person would, and checks the download has one row per deployment.
func playgroundDownloadsExport(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		base := strings.TrimSuffix(env.GatewayURL, "graphql")
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		err = chromedp.Do(ctx,
			chromedp.Navigate(base),
			chromedp.WaitVisible(chromedp.ID("export-deployments")),
			chromedp.SetValue(chromedp.ID("headers"), string(headers)),
			chromedp.Click(chromedp.ID("export-deployments")),
		)
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("status").textContent.startsWith("downloaded")`))
		require.NoError(t, err)
		status, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("status")))
		require.NoError(t, err)
		m := regexp.MustCompile(`^downloaded deployments\.csv: (\d+) rows$`).FindStringSubmatch(status)
		require.NotNil(t, m, "status line: %q", status)
		rows, _ := strconv.Atoi(m[1])

		r := env.Query(t, `{ deployments(first: 1) { totalCount } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		var d struct{ Deployments struct{ TotalCount int } }
		r.Decode(t, &d)
		assert.Equal(t, d.Deployments.TotalCount, rows, "one row per deployment")
	})
}
