package gateway

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"
)

// Exports: every deployment the caller can reach, or the upgrade report,
// as a file — GET /export/deployments.csv, /export/deployments.ndjson,
// /export/upgrade-report.csv, /export/upgrade-report.ndjson. Each page is
// one GraphQL query run through the same handler as /graphql (the same
// credentials, gateway keys, admission, cost limits, timeouts, caches), and
// each page's rows are flushed as soon as it is read. Filters are query
// parameters named as DeploymentFilter's fields (comma-separated lists):
// platforms, backends, workspaceIds, statuses, search; deployments also
// take orderBy (NAME, CREATED_AT, UPDATED_AT) and direction (ASC, DESC),
// the upgrade report lag (VersionLag values).
//
// A failure before the first row is answered with /graphql's JSON errors
// and the status their code calls for (exportStatus). Errors after that — a backend that failed,
// so the rows are partial — are sent in the X-Export-Errors trailer (a
// JSON array of {message, code, backendName}), and as a last line
// {"errors": […]} in NDJSON.

// exportPageSize is the deployments read per page (the most a page of
// Query.deployments may hold). Astro lists an organization's first N in
// one call, whatever N, and the pages of an export ask for the same N
// (see fleetLimit in graph); an installation is read in one document per
// page, the same each time: so the cache answers every page after the
// first, and a fleet costs a few calls per organization and installation.
const exportPageSize = 1000

const exportDeploymentsQuery = `query Export($filter: DeploymentFilter, $orderBy: DeploymentOrder, $first: Int, $after: String) {
  deployments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name platform backend status runtimeVersion airflowVersion createdAt updatedAt
      workspace { id name }
      ... on AstroDeployment { deploymentId }
      ... on SoftwareDeployment { deploymentId releaseName }
    }
  }
}`

const exportUpgradeQuery = `query ExportUpgrade($filter: DeploymentFilter, $lag: [VersionLag!]) {
  upgradeReport(filter: $filter, lag: $lag) {
    rows { backend platform deploymentId name workspaceName status runtimeVersion airflowVersion latestRuntimeVersion lag releasesBehind airflowEndOfLife }
  }
}`

// Columns, in their stable order; each is a JSON field of a row.
var (
	deploymentColumns = []string{"backend", "platform", "id", "deploymentId", "name", "status", "runtimeVersion", "airflowVersion",
		"workspaceId", "workspaceName", "releaseName", "createdAt", "updatedAt"}
	upgradeColumns = []string{"backend", "platform", "deploymentId", "name", "workspaceName", "status", "runtimeVersion", "airflowVersion",
		"latestRuntimeVersion", "lag", "releasesBehind", "airflowEndOfLife"}
)

// exportHandler serves the exports by running queries through api.
func exportHandler(api http.Handler, pageTimeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		report, format, _ := strings.Cut(file, ".")
		if (report != "deployments" && report != "upgrade-report") || (format != "csv" && format != "ndjson") {
			http.NotFound(w, r)
			return
		}
		vars, err := exportVariables(r, report)
		if err != nil {
			writeExportError(w, http.StatusBadRequest, err.Error(), "BAD_USER_INPUT")
			return
		}
		e := &exporter{w: w, r: r, api: api, format: format, rc: http.NewResponseController(w), pageTimeout: pageTimeout}
		e.extend()
		if report == "deployments" {
			e.columns = deploymentColumns
			vars["first"] = exportPageSize
			e.run(exportDeploymentsQuery, vars, "deployments", "deployments")
			return
		}
		e.columns = upgradeColumns
		e.run(exportUpgradeQuery, vars, "upgradeReport", "upgrade-report")
	})
}

// exportVariables reads the filter from the query parameters.
func exportVariables(r *http.Request, report string) (map[string]any, error) {
	q := r.URL.Query()
	filter := map[string]any{}
	for _, k := range []string{"platforms", "backends", "workspaceIds", "statuses"} {
		if vs, ok := q[k]; ok {
			var list []string
			for _, v := range vs {
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p != "" {
						list = append(list, p)
					}
				}
			}
			filter[k] = list
		}
	}
	if s := q.Get("search"); s != "" {
		filter["search"] = s
	}
	vars := map[string]any{}
	if len(filter) > 0 {
		vars["filter"] = filter
	}
	if report == "deployments" {
		if f := q.Get("orderBy"); f != "" {
			dir := q.Get("direction")
			if dir == "" {
				dir = "ASC"
			}
			vars["orderBy"] = map[string]any{"field": strings.ToUpper(f), "direction": strings.ToUpper(dir)}
		} else if q.Get("direction") != "" {
			return nil, fmt.Errorf("direction needs orderBy")
		}
	} else if l := q.Get("lag"); l != "" {
		vars["lag"] = strings.Split(strings.ToUpper(l), ",")
	}
	return vars, nil
}

type exporter struct {
	w       http.ResponseWriter
	r       *http.Request
	api     http.Handler
	format  string
	columns []string

	// rc extends the write deadline page by page: an export may outlast
	// the server's WriteTimeout, each page may not.
	rc          *http.ResponseController
	pageTimeout time.Duration

	started bool
	csv     *csv.Writer
	errs    []map[string]any
}

// gqlResponse is one page's answer.
type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (e *exporter) run(query string, vars map[string]any, field, name string) {
	var after any
	for {
		if after != nil {
			vars["after"] = after
		}
		status, body := e.query(query, vars)
		var resp gqlResponse
		if err := json.Unmarshal(body, &resp); err != nil || resp.Data == nil || string(resp.Data[field]) == "null" || len(resp.Data[field]) == 0 {
			if !e.started {
				// Nothing written yet: answer as /graphql did.
				e.w.Header().Set("Content-Type", "application/json")
				if status == http.StatusOK {
					status = exportStatus(resp)
				}
				e.w.WriteHeader(status)
				_, _ = e.w.Write(body)
				return
			}
			e.addErrors(resp, "the export stopped: a page could not be read")
			e.finish()
			return
		}
		e.addErrors(resp, "")
		var page struct {
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
			Nodes []map[string]any `json:"nodes"`
			Rows  []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal(resp.Data[field], &page); err != nil {
			e.addErrors(gqlResponse{}, "the export stopped: a page could not be read")
			e.finish()
			return
		}
		e.start(name)
		for _, n := range append(page.Nodes, page.Rows...) {
			e.row(n)
		}
		e.flush()
		if !page.PageInfo.HasNextPage || page.PageInfo.EndCursor == nil {
			e.finish()
			return
		}
		after = *page.PageInfo.EndCursor
	}
}

// query runs one GraphQL query through api with the caller's headers.
func (e *exporter) query(query string, vars map[string]any) (int, []byte) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(e.r.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header = e.r.Header.Clone()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Del("Upgrade")
	req.RemoteAddr = e.r.RemoteAddr
	rec := &bufferWriter{header: http.Header{}, status: http.StatusOK}
	e.api.ServeHTTP(rec, req)
	return rec.status, rec.body.Bytes()
}

func (e *exporter) addErrors(resp gqlResponse, fallback string) {
	for _, er := range resp.Errors {
		m := map[string]any{"message": er.Message, "code": er.Extensions["code"]}
		if b, ok := er.Extensions["backendName"]; ok {
			m["backendName"] = b
		}
		e.errs = append(e.errs, m)
	}
	if fallback != "" && len(resp.Errors) == 0 {
		e.errs = append(e.errs, map[string]any{"message": fallback, "code": "INTERNAL"})
	}
}

func (e *exporter) start(name string) {
	if e.started {
		return
	}
	e.started = true
	h := e.w.Header()
	h.Set("Trailer", "X-Export-Errors")
	h.Set("Cache-Control", "no-store")
	if e.format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		e.csv = csv.NewWriter(e.w)
		_ = e.csv.Write(e.columns)
	} else {
		h.Set("Content-Type", "application/x-ndjson")
		h.Set("Content-Disposition", `attachment; filename="`+name+`.ndjson"`)
	}
	e.w.WriteHeader(http.StatusOK)
}

// row writes one object's columns: nested workspace fields flattened,
// absent values empty (CSV) or null (NDJSON).
func (e *exporter) row(n map[string]any) {
	if ws, ok := n["workspace"].(map[string]any); ok {
		n["workspaceId"], n["workspaceName"] = ws["id"], ws["name"]
	}
	if e.format == "ndjson" {
		out := make([]byte, 0, 256)
		out = append(out, '{')
		for i, c := range e.columns {
			if i > 0 {
				out = append(out, ',')
			}
			k, _ := json.Marshal(c)
			v, _ := json.Marshal(n[c])
			out = append(append(append(out, k...), ':'), v...)
		}
		out = append(out, '}', '\n')
		_, _ = e.w.Write(out)
		return
	}
	rec := make([]string, len(e.columns))
	for i, c := range e.columns {
		switch v := n[c].(type) {
		case nil:
		case string:
			rec[i] = v
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			rec[i] = strconv.FormatBool(v)
		default:
			b, _ := json.Marshal(v)
			rec[i] = string(b)
		}
	}
	_ = e.csv.Write(rec)
}

func (e *exporter) flush() {
	if e.csv != nil {
		e.csv.Flush()
	}
	_ = e.rc.Flush()
	e.extend()
}

// extend gives the next page its time to be read and written.
func (e *exporter) extend() {
	if e.pageTimeout > 0 {
		_ = e.rc.SetWriteDeadline(time.Now().Add(e.pageTimeout + 5*time.Second))
	}
}

func (e *exporter) finish() {
	if len(e.errs) > 0 {
		b, _ := json.Marshal(e.errs)
		if e.format == "ndjson" {
			line, _ := json.Marshal(map[string]any{"errors": e.errs})
			_, _ = e.w.Write(append(line, '\n'))
		}
		e.flush()
		e.w.Header().Set("X-Export-Errors", string(b))
		return
	}
	e.flush()
}

// exportStatus is the HTTP status of an export that failed before its
// first row, from the GraphQL error's code: a file download has no other
// way to say what went wrong.
func exportStatus(resp gqlResponse) int {
	if len(resp.Errors) == 0 {
		return http.StatusBadGateway
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	switch code {
	case fault.CodeUnauthenticated:
		return http.StatusUnauthorized
	case fault.CodeForbidden:
		return http.StatusForbidden
	case fault.CodeBadUserInput, "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", fault.CodeQueryTooComplex:
		return http.StatusBadRequest
	case fault.CodeNotFound, fault.CodeNotConfigured:
		return http.StatusNotFound
	case fault.CodeRateLimited:
		return http.StatusTooManyRequests
	case fault.CodeOverloaded, fault.CodeUpstreamUnavailable:
		return http.StatusServiceUnavailable
	case fault.CodeTimeout:
		return http.StatusGatewayTimeout
	case fault.CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadGateway
}

func writeExportError(w http.ResponseWriter, status int, msg, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
	_, _ = w.Write(b)
}

// bufferWriter keeps a page's response in memory.
type bufferWriter struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if !b.wrote {
		b.status, b.wrote = code, true
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	b.wrote = true
	return b.body.Write(p)
}
