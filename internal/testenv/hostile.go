package testenv

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The hostile queries of issue 9, for the tests and the benchmark that show
// the gateway survives them.

// DeepQuery nests workspaces → deployments → workspace → deployments … to
// depth levels of fields (at least 3).
func DeepQuery(depth int) string {
	var b strings.Builder
	b.WriteString("{ workspaces { nodes { ... on AstroWorkspace { ")
	d, opened := 2, 3
	cycle := []string{"deployments", "nodes", "workspace"}
	leaf := "name"
	for i := 0; d < depth-1; i++ {
		b.WriteString(cycle[i%3] + " { ")
		leaf = map[string]string{"deployments": "totalCount", "nodes": "name", "workspace": "name"}[cycle[i%3]]
		d++
		opened++
	}
	b.WriteString(leaf + " }")
	b.WriteString(strings.Repeat(" }", opened))
	return b.String()
}

// AliasedReports asks for Query.deploymentReport n times under aliases.
func AliasedReports(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: deploymentReport(groupBy: RUNTIME_VERSION) { total }", i)
	}
	b.WriteString(" }")
	return b.String()
}

// AliasedTypenames asks for __typename n times under aliases.
func AliasedTypenames(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString(" }")
	return b.String()
}

//go:embed testdata/introspection_*.graphql
var introspection embed.FS

// IntrospectionQueries are GraphiQL's and graphql-js's introspection
// queries, by name.
func IntrospectionQueries() map[string]string {
	out := map[string]string{}
	for _, name := range []string{"graphiql", "graphqljs"} {
		b, err := introspection.ReadFile("testdata/introspection_" + name + ".graphql")
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		out[name] = string(b)
	}
	return out
}

// HostileOutcome names how the gateway answered: the error codes, "served"
// for data without errors, or what went wrong. It reads only as far as it
// must (gqlgen writes errors before data): the load generator shares the
// machine with the gateway, and half a megabyte of introspection parsed per
// answer would take CPU from it.
func HostileOutcome(c *http.Client, url string, body []byte, headers map[string]string) string {
	status, raw, err := Send(c, url, body, headers)
	if err != nil {
		return "failed: " + err.Error()
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Sprintf("no code: HTTP %d, not JSON", status)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Sprintf("no code: HTTP %d, not JSON", status)
		}
		if key != "errors" {
			if key == "data" {
				return fmt.Sprintf("HTTP %d served", status)
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return fmt.Sprintf("no code: HTTP %d, not JSON", status)
			}
			continue
		}
		var errs []struct {
			Extensions map[string]any `json:"extensions"`
		}
		if dec.Decode(&errs) != nil {
			return fmt.Sprintf("no code: HTTP %d, not JSON", status)
		}
		var codes []string
		for _, e := range errs {
			c, _ := e.Extensions["code"].(string)
			if c == "" {
				return fmt.Sprintf("no code: HTTP %d", status)
			}
			codes = append(codes, c)
		}
		slices.Sort(codes)
		return fmt.Sprintf("HTTP %d %s", status, strings.Join(slices.Compact(codes), "+"))
	}
	return fmt.Sprintf("no code: HTTP %d, empty answer", status)
}

// Send posts body to url with headers and reads the answer.
func Send(c *http.Client, url string, body []byte, headers map[string]string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// Percentile is the p-th latency of ds (0 ≤ p ≤ 1), rounded to 0.1 ms.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))].Round(100 * time.Microsecond)
}
