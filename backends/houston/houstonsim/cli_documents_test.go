package houstonsim_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// operationsDir holds the GraphQL documents the Astro CLI sends to Houston
// (shared reference data, read in place, never copied into the project).
const operationsDir = "../../../../shared/specs/houston/operations"

// cliVersion is the Houston version whose documents the test sends.
const cliVersion = "1.0.1"

// cliDocument is one file of operationsDir.
type cliDocument struct {
	file    string
	base    string // the CLI's Go variable, e.g. DeploymentGetRequest
	version []int  // nil for a document that applies to every version
	text    string
	op      *ast.OperationDefinition
}

var docName = regexp.MustCompile(`^([A-Za-z0-9]+)(?:\.v(\d+)\.(\d+)\.(\d+))?\.graphql$`)

func loadCLIDocuments(t *testing.T) []cliDocument {
	t.Helper()
	entries, err := os.ReadDir(operationsDir)
	if os.IsNotExist(err) {
		t.Skipf("the Astro CLI documents are not at %s (the shared reference folder is missing)", operationsDir)
	}
	require.NoError(t, err)
	var docs []cliDocument
	for _, e := range entries {
		m := docName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(operationsDir, e.Name()))
		require.NoError(t, err)
		parsed, perr := parser.ParseQuery(&ast.Source{Name: e.Name(), Input: string(b)})
		require.NoError(t, perr, e.Name())
		require.Len(t, parsed.Operations, 1, "%s holds one operation", e.Name())
		d := cliDocument{file: e.Name(), base: m[1], text: string(b), op: parsed.Operations[0]}
		if m[2] != "" {
			d.version = semver(t, m[2]+"."+m[3]+"."+m[4])
		}
		docs = append(docs, d)
	}
	require.NotEmpty(t, docs)
	return docs
}

func semver(t *testing.T, v string) []int {
	t.Helper()
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		require.NoError(t, err)
		out = append(out, n)
	}
	return out
}

// rootFieldNames lists the root fields of a document's operation.
func rootFieldNames(op *ast.OperationDefinition) []string {
	var out []string
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			out = append(out, f.Name)
		}
	}
	return out
}

// served reports whether the simulator serves every root field of a query
// document.
func served(schema *ast.Schema, d cliDocument) bool {
	if d.op.Operation != ast.Query {
		return false
	}
	for _, name := range rootFieldNames(d.op) {
		if schema.Query.Fields.ForName(name) == nil {
			return false
		}
	}
	return true
}

// pickForVersion chooses, per CLI variable, the document the CLI sends to a
// server of version v: the one with the greatest version ≤ v, else the
// newest (astro-cli houston/utils.go GreatestLowerBound); unversioned
// documents stand alone.
func pickForVersion(docs []cliDocument, v []int) []cliDocument {
	byBase := map[string][]cliDocument{}
	for _, d := range docs {
		byBase[d.base] = append(byBase[d.base], d)
	}
	var out []cliDocument
	for _, group := range byBase {
		slices.SortFunc(group, func(a, b cliDocument) int { return slices.Compare(a.version, b.version) })
		pick := group[len(group)-1]
		for _, d := range group {
			if slices.Compare(d.version, v) <= 0 {
				pick = d
			}
		}
		out = append(out, pick)
	}
	slices.SortFunc(out, func(a, b cliDocument) int { return strings.Compare(a.file, b.file) })
	return out
}

// TestCLIDocumentsValidate checks every version of every document whose root
// fields the simulator serves against the simulator's schema.
func TestCLIDocumentsValidate(t *testing.T) {
	t.Parallel()
	schema := houstonsim.NewExecutableSchema(houstonsim.Config{}).Schema()
	n := 0
	for _, d := range loadCLIDocuments(t) {
		if !served(schema, d) {
			continue
		}
		n++
		t.Run(d.file, func(t *testing.T) {
			t.Parallel()
			_, errs := gqlparser.LoadQueryWithRules(schema, d.text, nil) // LoadQuery, with the default rules
			assert.Empty(t, errs)
		})
	}
	assert.GreaterOrEqual(t, n, 20)
}

// TestCLIDocuments sends each document the CLI would send to Houston 1.0.1,
// with the variables the CLI sends, and expects data without errors.
func TestCLIDocuments(t *testing.T) {
	t.Parallel()
	schema := houstonsim.NewExecutableSchema(houstonsim.Config{}).Schema()
	docs := loadCLIDocuments(t)

	sim, srv := start(t, houstonsim.WithVersion(cliVersion))
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	workspaceID := wsAdmin.Scope[0]
	deps := field[[]deployment](t, post(t, srv, sys,
		`query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id releaseName clusterId } }`,
		map[string]any{"w": workspaceID}), "workspaceDeployments")
	require.NotEmpty(t, deps)
	dep := deps[0]

	// The variables the CLI sends with each document (astro-cli houston/*.go);
	// several runs where the CLI sends different sets.
	varsFor := map[string][]map[string]any{
		"AppConfigRequest":               {nil, {"clusterId": dep.ClusterID}},
		"HoustonVersionQuery":            {nil},
		"DeploymentInfoRequest":          {nil},
		"GetRuntimeReleases":             {{"clusterId": dep.ClusterID}, {"airflowVersion": "2.7.3", "clusterId": ""}},
		"WorkspacesGetRequest":           {nil},
		"WorkspacesPaginatedGetRequest":  {{"pageSize": 20, "pageNumber": 0}, {"pageSize": 2, "pageNumber": 0}},
		"WorkspaceGetRequest":            {{"workspaceUuid": workspaceID}},
		"ValidateWorkspaceIDGetRequest":  {{"workspaceUuid": workspaceID}},
		"DeploymentsGetRequest":          {{"workspaceId": workspaceID}, {"workspaceId": workspaceID, "releaseName": dep.ReleaseName}},
		"PaginatedDeploymentsGetRequest": {{"take": -1}, {"take": -1, "clusterId": dep.ClusterID}},
		"DeploymentGetRequest":           {{"id": dep.ID}},
	}

	var picked []string
	for _, d := range pickForVersion(docs, semver(t, cliVersion)) {
		if !served(schema, d) {
			continue
		}
		picked = append(picked, d.file)
		t.Run(d.file, func(t *testing.T) {
			t.Parallel()
			_, errs := gqlparser.LoadQueryWithRules(schema, d.text, nil) // LoadQuery, with the default rules
			require.Empty(t, errs)
			runs, ok := varsFor[d.base]
			require.Truef(t, ok, "no CLI variables for %s: add them to varsFor", d.base)
			for _, vars := range runs {
				for _, auth := range []string{sys, wsAdmin.Token} {
					r := post(t, srv, auth, d.text, vars)
					mustOK(t, r)
					for _, root := range rootFieldNames(d.op) {
						raw := r.Data[root]
						require.NotEqualf(t, "null", string(raw), "data.%s with %v", root, vars)
						var list []json.RawMessage
						if json.Unmarshal(raw, &list) == nil {
							assert.NotEmptyf(t, list, "data.%s with %v", root, vars)
						}
					}
				}
			}
		})
	}
	assert.Equal(t, []string{
		"AppConfigRequest.v1.0.0.graphql",
		"DeploymentGetRequest.v1.0.1.graphql",
		"DeploymentInfoRequest.v1.0.1.graphql",
		"DeploymentsGetRequest.v1.0.1.graphql",
		"GetRuntimeReleases.graphql",
		"HoustonVersionQuery.graphql",
		"PaginatedDeploymentsGetRequest.v1.0.1.graphql",
		"ValidateWorkspaceIDGetRequest.graphql",
		"WorkspaceGetRequest.graphql",
		"WorkspacesGetRequest.graphql",
		"WorkspacesPaginatedGetRequest.graphql",
	}, picked)
}
