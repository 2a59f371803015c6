package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// browser returns a headless Chromium context, or skips when no Chromium is
// installed (CI installs Debian's and sets REQUIRE_BROWSER=1, so there it
// fails instead). The network is cut: no host name resolves but localhost
// (so nothing leaves the machine, websockets included), and every HTTP
// request to another host than allowed is failed and recorded; the test
// calls the returned func to read them.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatal("REQUIRE_BROWSER is set but chromium is not installed")
		}
		t.Skip("chromium not installed (apt-get install chromium); the GraphiQL test needs a real browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)

	var mu sync.Mutex
	var blocked []string
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	_, err = chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{})
	require.NoError(t, err)
	// Every page records what its Content-Security-Policy refused and
	// what it threw, for the tests to check (see pageProblems).
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.problems = [];
		document.addEventListener("securitypolicyviolation", (e) => window.problems.push("CSP refused " + e.violatedDirective + ": " + e.blockedURI));
		window.addEventListener("error", (e) => window.problems.push("error: " + e.message));
		window.addEventListener("unhandledrejection", (e) => window.problems.push("unhandled rejection: " + String(e.reason)));`})
	require.NoError(t, err)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			u, perr := url.Parse(ev.Request.URL)
			if perr == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost") {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			mu.Lock()
			blocked = append(blocked, ev.Request.URL)
			mu.Unlock()
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), blocked...)
	}
}

// Editors of the GraphiQL page, as CodeMirror instances.
const (
	queryEditor    = `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror`
	variableEditor = `document.querySelectorAll(".graphiql-editor-tool .CodeMirror")[0].CodeMirror`
	headerEditor   = `document.querySelectorAll(".graphiql-editor-tool .CodeMirror")[1].CodeMirror`
	responseEditor = `document.querySelector(".graphiql-response .CodeMirror").CodeMirror`
)

// openGraphiQL loads the page and puts the environment's tokens in the
// header editor, as a person pastes them.
func openGraphiQL(t *testing.T, ctx context.Context, env *testenv.Env) {
	t.Helper()
	base := strings.TrimSuffix(env.GatewayURL, "graphql")
	headers, err := json.Marshal(env.Headers())
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[any](headerEditor+`.setValue(`+jsString(string(headers))+`)`))
	require.NoError(t, err)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// run presses GraphiQL's Run button and waits for a response that includes
// want, returning it.
func run(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](responseEditor+`.setValue("")`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](responseEditor+`.getValue().includes(`+jsString(want)+`)`))
	resp, _ := chromedp.Run(ctx, chromedp.Evaluate[string](responseEditor+`.getValue()`))
	require.NoError(t, err, "waiting for %s in the response: %s", want, resp)
	return resp
}

// TestGraphiQLInBrowser opens GraphiQL in headless Chromium with the
// network cut (only the gateway answers) and uses it as a person would:
// types a query, sees completion and validation, runs it, opens the docs
// explorer, follows a log subscription and walks the Astro demo examples.
// One browser serves the subtests, one after the other (Chromium is the
// heaviest thing the tests start). GRAPHIQL_SCREENSHOT_DIR=docs saves the
// docs explorer's screenshot there (docs/graphiql.png).
func TestGraphiQLInBrowser(t *testing.T) {
	t.Parallel()
	ctx, blocked := browser(t)
	t.Run("type, complete, validate, run, docs", func(t *testing.T) { graphiqlQuery(t, ctx) })
	t.Run("follow logs", func(t *testing.T) { graphiqlFollowsLogs(t, ctx) })
	t.Run("astro demo flow", func(t *testing.T) { graphiqlAstroDemo(t, ctx) })
	assert.Empty(t, blocked(), "the page asked another host than the gateway")
}

func graphiqlQuery(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		openGraphiQL(t, ctx, env)
		// GraphiQL loads the schema by introspection: wait for it, then type.
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector(".graphiql-query-editor .CodeMirror") && !!`+queryEditor+`.options.hintOptions?.schema`))
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](queryEditor+`.setValue(""); `+queryEditor+`.focus()`))
		require.NoError(t, err)

		// Completion: typing the start of a field offers the schema's fields.
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".graphiql-query-editor .CodeMirror textarea"), "{ deploymen")))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(document.querySelector(".CodeMirror-hints")?.textContent ?? "").includes("deploymentReport")`))
		require.NoError(t, err, "completion offers the schema's fields")

		// Validation: a field the schema lacks is marked in the editor.
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".graphiql-query-editor .CodeMirror textarea"), "tz }")))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll(".graphiql-query-editor .CodeMirror-lint-mark-error").length > 0`))
		require.NoError(t, err, "an unknown field is marked")

		// Type a real query, run it, read the data.
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](queryEditor+`.setValue(""); `+queryEditor+`.focus()`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".graphiql-query-editor .CodeMirror textarea"),
			"{ deployments(first: 3) { totalCount nodes { name platform } } }")))
		typed, err := chromedp.Run(ctx, chromedp.Evaluate[string](queryEditor+`.getValue()`))
		require.NoError(t, err)
		assert.Equal(t, "{ deployments(first: 3) { totalCount nodes { name platform } } }", strings.TrimSpace(typed))
		resp := run(t, ctx, `"totalCount"`)
		var body struct {
			Data struct {
				Deployments struct {
					TotalCount int
					Nodes      []struct{ Name, Platform string }
				}
			}
			Errors []any
		}
		require.NoError(t, json.Unmarshal([]byte(resp), &body), resp)
		assert.Empty(t, body.Errors)
		assert.Positive(t, body.Data.Deployments.TotalCount)
		assert.Len(t, body.Data.Deployments.Nodes, 3)

		// @defer: GraphiQL reads multipart/mixed and merges the parts.
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](queryEditor+`.setValue("{ deployments(first: 2) { nodes { name ... @defer { workspace { name } } } } }")`))
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](queryEditor+`.documentAST?.loc?.source?.body === `+queryEditor+`.getValue()`))
		require.NoError(t, err)
		resp = run(t, ctx, `"workspace": {`)
		assert.NotContains(t, resp, `"errors"`, resp)
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](queryEditor+`.setValue(`+jsString("{ deployments(first: 3) { totalCount nodes { name platform } } }")+`)`))
		require.NoError(t, err)

		// The docs explorer: the root types, then Query's fields.
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[aria-label="Show Documentation Explorer"]`))))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(document.querySelector(".graphiql-doc-explorer")?.textContent ?? "").includes("Query")`))
		require.NoError(t, err, "the docs explorer opens on the root types")
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`[...document.querySelectorAll(".graphiql-doc-explorer a")].find(a => a.textContent === "Query").click()`))
		require.NoError(t, err)
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(document.querySelector(".graphiql-doc-explorer")?.textContent ?? "").includes("deploymentReport")`))
		require.NoError(t, err, "Query's fields are listed")
		// Prettify, and show the variables rather than the tokens.
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`.graphiql-toolbar button[aria-label^="Prettify"]`)),
			chromedp.Click(chromedp.CSS(`.graphiql-editor-tools button[data-name="variables"]`)),
		))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](queryEditor+`.getValue().startsWith("{\n  deployments(first: 3) {\n")`))
		require.NoError(t, err, "prettify formats the document")
		if dir := os.Getenv("GRAPHIQL_SCREENSHOT_DIR"); dir != "" {
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "graphiql.png"), png, 0o644))
		}
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[aria-label="Hide Documentation Explorer"]`))))

		recording, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.isArray(window.problems)`))
		require.NoError(t, err)
		require.True(t, recording, "the page records its problems")
		problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.problems`))
		require.NoError(t, err)
		assert.Empty(t, problems, "the page ran without CSP refusals or errors")

		// The headers stay in the browser's storage: a reload keeps them.
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](headerEditor+`.getValue().includes(`+jsString(env.AstroToken)+`)`))
		require.NoError(t, err, "the headers editor keeps the token across a reload")
	})
}

// pickExample opens the Examples plugin and picks one; an example that
// needs ids waits until the page has filled them in.
func pickExample(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => {
		const show = document.querySelector('[aria-label="Show Examples"]'); if (show) show.click();
		document.querySelector(".examples-status") && (document.querySelector(".examples-status").textContent = ""); })()`))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector(".examples-item")`))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`[...document.querySelectorAll(".examples-item")].find(b => b.textContent === `+jsString(name)+`).click()`))
	require.NoError(t, err)
	// GraphiQL reads the document (and its operation name) a moment after
	// an edit: wait for that, as a person's hand does.
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](queryEditor+`.getValue().length > 0 && `+queryEditor+`.documentAST?.loc?.source?.body === `+queryEditor+`.getValue()
		&& document.querySelector(".examples-status").textContent !== "looking up ids…"`))
	require.NoError(t, err)
	status, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(".examples-status")))
	require.NoError(t, err)
	if status != "" {
		require.Equal(t, "variables filled in: press Run", status, name)
	}
}

// graphiqlFollowsLogs picks the Software logs example (the page finds a
// deployment to follow), runs it over graphql-ws, sees new log lines
// replace each other in the response pane, and stops it.
func graphiqlFollowsLogs(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		openGraphiQL(t, ctx, env)
		pickExample(t, ctx, "Follow a Software deployment's logs")
		vars, err := chromedp.Run(ctx, chromedp.Evaluate[string](variableEditor+`.getValue()`))
		require.NoError(t, err)
		assert.Contains(t, vars, "deploymentId")
		// GraphiQL shows a subscription's latest event: collect them.
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`window.seen = new Set(); window.seenTimer = setInterval(() => {
			const v = `+responseEditor+`.getValue(); if (v.includes("deploymentLogs")) window.seen.add(v); }, 10)`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`window.seen.size >= 5`))
		require.NoError(t, err, "log lines stream in")
		// The Run button is a Stop button while the subscription runs.
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))))
		events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`clearInterval(window.seenTimer); [...window.seen]`))
		require.NoError(t, err)
		for _, e := range events {
			var ev struct {
				Data struct {
					DeploymentLogs struct {
						Timestamp time.Time `json:"timestamp"`
						Source    string    `json:"source"`
						Message   string    `json:"message"`
					} `json:"deploymentLogs"`
				} `json:"data"`
				Errors []any `json:"errors"`
			}
			require.NoError(t, json.Unmarshal([]byte(e), &ev), e)
			assert.Empty(t, ev.Errors)
			assert.Contains(t, []string{"SCHEDULER", "WORKER"}, ev.Data.DeploymentLogs.Source)
			assert.NotEmpty(t, ev.Data.DeploymentLogs.Message)
		}
	})
}

// graphiqlAstroDemo walks the "Astro demo" examples in order, as a person
// would: each one fills its variables, runs, and shows data, no errors.
func graphiqlAstroDemo(t *testing.T, ctx context.Context) {
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		openGraphiQL(t, ctx, env)
		for _, step := range []struct{ example, want string }{
			{"Astro demo 1: create a workspace with defaults", `"defaultRegion": "us-east-1"`},
			{"Astro demo 2: create a deployment with only a name", `"name": "demo-etl"`},
			{"Astro demo 3: find it on both platforms' list", `"totalCount": 1`},
			{"Astro demo 4: update it", `"description": "nightly ETL"`},
			{"Astro demo 5: read its logs", `"logs"`},
			{"Astro demo 6: delete it", `"deleteAstroDeployment"`},
		} {
			pickExample(t, ctx, step.example)
			resp := run(t, ctx, `"data"`)
			assert.NotContains(t, resp, `"errors"`, "%s: %s", step.example, resp)
			assert.Contains(t, resp, step.want, step.example)
		}
	})
}

// TestGraphiQLAssets: the page and its two assets are served with their
// types, the page with a CSP that allows only its own origin; nothing else
// is, not even a listing.
func TestGraphiQLAssets(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		base := strings.TrimSuffix(env.GatewayURL, "graphql")
		for path, want := range map[string]string{"": "text/html; charset=utf-8", "graphiql/graphiql.js": "text/javascript; charset=utf-8", "graphiql/graphiql.css": "text/css; charset=utf-8"} {
			resp, err := http.Get(base + path)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, path)
			assert.Equal(t, want, resp.Header.Get("Content-Type"), path)
			assert.NotEmpty(t, body, path)
			if path == "" {
				csp := resp.Header.Get("Content-Security-Policy")
				assert.Contains(t, csp, "default-src 'self'")
				assert.Contains(t, csp, "script-src 'self';")
				assert.NotRegexp(t, `(src|href)="https?://`, string(body), "no asset from another host")
			}
		}
		for _, path := range []string{"graphiql/", "graphiql/index.html", "graphiql/nope.js", "graphiql/../go.mod"} {
			resp, err := http.Get(base + path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		}
	})
}
