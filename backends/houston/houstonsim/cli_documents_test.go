package houstonsim_test

import (
	"github.com/astro-gateway/gateway/internal/specs"
	"net/http"
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
		specs.Missing(t, operationsDir, "the Astro CLI documents cannot be run against the simulator")
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

// cliGates are the Astro CLI's version gates (reference §4.1) on
// operations whose documents carry no version: the CLI never sends them to
// an older Houston, which does not have them.
var cliGates = map[string]string{
	"AdoptDeploymentRequestMutation":   "2.1.0",
	"UnadoptDeploymentRequestMutation": "2.1.0",
}

// gated reports whether the CLI refuses to send d to Houston v.
func gated(t *testing.T, d cliDocument, v string) bool {
	gate, ok := cliGates[d.base]
	return ok && slices.Compare(semver(t, v), semver(t, gate)) < 0
}

// TestCLIDocumentsValidate validates, for each version the simulator poses
// as, the document the CLI would send to that version for every operation
// against the simulator's schema for that version. Operations the CLI
// gates above the version must fail, as the version lacks them.
func TestCLIDocumentsValidate(t *testing.T) {
	t.Parallel()
	docs := loadCLIDocuments(t)
	for _, v := range houstonsim.SupportedVersions() {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			schema, err := houstonsim.Schema(v)
			require.NoError(t, err)
			for _, d := range pickForVersion(docs, semver(t, v)) {
				_, errs := gqlparser.LoadQueryWithRules(schema, d.text, nil) // LoadQuery, with the default rules
				if gated(t, d, v) {
					assert.NotEmpty(t, errs, "%s is gated above %s", d.file, v)
					continue
				}
				assert.Empty(t, errs, d.file)
			}
		})
	}
}

// TestVersionDifferences sends documents of one version to a simulator
// posing as another, where the CLI's documents show that Houston differs:
// each must be refused as Houston refuses it, with HTTP 400 and the
// standard validation message.
func TestVersionDifferences(t *testing.T) {
	t.Parallel()
	docs := map[string]cliDocument{}
	for _, d := range loadCLIDocuments(t) {
		docs[d.file] = d
	}
	tests := []struct {
		file, version, want string
	}{
		{"DeploymentCreateRequest.v1.0.0.graphql", "0.34.0", `Cannot query field "upsertDeployment" on type "Mutation".`},
		{"DeploymentUpdateRequest.v1.0.1.graphql", "0.34.0", `Cannot query field "upsertDeployment" on type "Mutation".`},
		{"DeploymentCreateRequest.v0.29.0.graphql", "1.0.1", `Cannot query field "createDeployment" on type "Mutation".`},
		{"DeploymentUpdateRequest.v0.28.0.graphql", "2.1.0", `Cannot query field "updateDeployment" on type "Mutation".`},
		{"DeploymentCreateRequest.v2.1.0.graphql", "1.0.1", `Unknown argument "mode" on field "Mutation.upsertDeployment".`},
		{"DeploymentImageUpdateRequest.v2.1.0.graphql", "1.0.1", `Unknown argument "image" on field "Mutation.upsertDeployment".`},
		{"DeploymentImageUpdateRequest.v1.0.1.graphql", "2.1.0", `Cannot query field "updateDeploymentImage" on type "Mutation".`},
		{"DeploymentImageUpdateRequest.v0.25.0.graphql", "1.0.1", `Unknown argument "airflowVersion" on field "Mutation.updateDeploymentImage".`},
		{"AppConfigRequest.v1.0.0.graphql", "0.34.0", `Unknown argument "clusterId" on field "Query.appConfig".`},
		{"AppConfigRequest.v2.0.0.graphql", "1.0.1", `Unknown argument "workspaceUuid" on field "Query.appConfig".`},
		{"AppConfigRequest.v1.0.0.graphql", "2.1.0", `Cannot query field "manualReleaseNames" on type "AppConfig".`},
		{"AvailableNamespacesGetRequest.v1.0.0.graphql", "0.34.0", `Unknown argument "clusterId" on field "Query.availableNamespaces".`},
		{"AvailableNamespacesGetRequest.v0.25.0.graphql", "1.0.1", `Field "availableNamespaces" argument "clusterId" of type "Uuid!" is required, but it was not provided.`},
		{"DeploymentsGetRequest.v1.0.0.graphql", "0.34.0", `Cannot query field "clusterId" on type "Deployment".`},
		{"PaginatedDeploymentsGetRequest.v1.0.0.graphql", "0.34.0", `Unknown argument "clusterId" on field "Query.paginatedDeployments".`},
		{"DeploymentGetRequest.v1.0.0.graphql", "0.34.0", `Cannot query field "clusterId" on type "Deployment".`},
		{"AdoptDeploymentRequestMutation.graphql", "1.0.1", `Cannot query field "adoptDeployment" on type "Mutation".`},
		{"UnadoptDeploymentRequestMutation.graphql", "0.34.0", `Cannot query field "unadoptDeployment" on type "Mutation".`},
	}
	for _, tt := range tests {
		t.Run(tt.file+"@"+tt.version, func(t *testing.T) {
			t.Parallel()
			d, ok := docs[tt.file]
			require.True(t, ok, "no document %s", tt.file)
			sim, srv := start(t, houstonsim.WithVersion(tt.version))
			r := post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, d.text, nil)
			assert.Equal(t, http.StatusBadRequest, r.Status)
			require.NotEmpty(t, r.Errors)
			msgs := make([]string, len(r.Errors))
			for i, e := range r.Errors {
				msgs[i] = e.Message
				assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Extensions["code"])
			}
			// Like Apollo Server, gqlparser may add "Did you mean …?".
			assert.Truef(t, slices.ContainsFunc(msgs, func(m string) bool { return strings.HasPrefix(m, tt.want) }),
				"%q not in %q", tt.want, msgs)
			assert.Nil(t, r.Data, "a refused document has no data")
		})
	}
}

// TestSchemaPerVersion checks the version table's effect on the schema.
func TestSchemaPerVersion(t *testing.T) {
	t.Parallel()
	has := func(s *ast.Schema, typ, field string) bool {
		def := s.Types[typ]
		if name, arg, ok := strings.Cut(field, "("); ok {
			f := def.Fields.ForName(name)
			return f != nil && f.Arguments.ForName(strings.TrimSuffix(arg, ")")) != nil
		}
		return def.Fields.ForName(field) != nil
	}
	tests := []struct {
		typ, field string
		want       map[string]bool // version → present
	}{
		{"Mutation", "upsertDeployment", map[string]bool{"0.34.0": false, "1.0.0": true, "2.1.0": true}},
		{"Mutation", "upsertDeployment(mode)", map[string]bool{"1.0.1": false, "2.1.0": true}},
		{"Mutation", "createDeployment", map[string]bool{"0.34.0": true, "1.0.0": false}},
		{"Mutation", "updateDeploymentImage", map[string]bool{"0.29.1": false, "0.29.2": true, "2.0.9": true, "2.1.0": false}},
		{"Query", "paginatedDeployments", map[string]bool{"0.31.9": false, "0.32.0": true}},
		{"Query", "appConfig(clusterId)", map[string]bool{"0.34.0": false, "1.0.0": true}},
		{"Deployment", "clusterId", map[string]bool{"0.34.0": false, "1.0.0": true}},
		{"AppConfig", "triggererEnabled", map[string]bool{"0.27.0": false, "0.34.0": true, "2.0.0": false}},
		{"Query", "team", map[string]bool{"0.27.9": false, "0.28.0": true}},
		{"Mutation", "adoptDeployment", map[string]bool{"2.0.0": false, "2.1.0": true, "garbage": true}},
	}
	for _, tt := range tests {
		for v, want := range tt.want {
			s, err := houstonsim.Schema(v)
			require.NoError(t, err)
			assert.Equal(t, want, has(s, tt.typ, tt.field), "%s.%s in %s", tt.typ, tt.field, v)
		}
	}
	s, err := houstonsim.Schema("1.0.1")
	require.NoError(t, err)
	arg := s.Types["Query"].Fields.ForName("availableNamespaces").Arguments.ForName("clusterId")
	assert.Equal(t, "Uuid!", arg.Type.String(), "required from 1.0")
	assert.Nil(t, s.Directives["since"], "the version directives are not served")
}
