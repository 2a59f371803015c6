package houston_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// TestSupportsMatchesSimulator checks the client's version table against
// the simulator's per-version schemas, which mirror the CLI's documents:
// for every field and argument of every object type, at every version
// either names, the two must agree.
func TestSupportsMatchesSimulator(t *testing.T) {
	t.Parallel()
	versions := []string{"0.25.0", "0.27.9", "0.28.0", "0.29.0", "0.29.1", "0.29.2", "0.30.0", "0.31.0", "0.32.0",
		"0.34.0", "0.37.3", "1.0.0", "1.0.1", "1.0.5", "2.0.0", "2.0.9", "2.1.0", "2.1.3"}
	schemas := map[string]*ast.Schema{}
	keys := map[string]bool{} // "Type.field" and "Type.field(arg)" of any version
	for _, v := range versions {
		s, err := houstonsim.Schema(v)
		require.NoError(t, err)
		schemas[v] = s
		for name, def := range s.Types {
			if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
				continue
			}
			for _, f := range def.Fields {
				if strings.HasPrefix(f.Name, "__") {
					continue
				}
				keys[name+"."+f.Name] = true
				for _, a := range f.Arguments {
					keys[name+"."+f.Name+"("+a.Name+")"] = true
				}
			}
		}
	}
	require.Greater(t, len(keys), 200)
	for _, v := range versions {
		for key := range keys {
			typ, field, _ := strings.Cut(key, ".")
			name, arg, isArg := strings.Cut(strings.TrimSuffix(field, ")"), "(")
			f := schemas[v].Types[typ].Fields.ForName(name)
			has := f != nil && (!isArg || f.Arguments.ForName(arg) != nil)
			assert.Equal(t, has, houston.Supports(v, typ, field), "%s in Houston %s", key, v)
		}
	}
}

func TestSupports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, typ, field string
		want                bool
	}{
		{"0.34.0", "Mutation", "upsertDeployment", false},
		{"1.0.0", "Mutation", "upsertDeployment", true},
		{"1.0.1", "Mutation", "upsertDeployment(mode)", false},
		{"2.1.0", "Mutation", "upsertDeployment(mode)", true},
		{"0.34.0", "Mutation", "upsertDeployment(mode)", false},
		{"0.34.0", "Deployment", "clusterId", false},
		{"v1.0.5", "Deployment", "clusterId", true},
		{"2.1.0-rc.1", "Mutation", "updateDeploymentImage", false},
		{"2.0.3", "Mutation", "updateDeploymentImage", true},
		{"", "Mutation", "adoptDeployment", true},
		{"nonsense", "Mutation", "createDeployment", false},
		{"0.34.0", "Deployment", "label", true},
		{"0.25.0", "Query", "team", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, houston.Supports(tt.version, tt.typ, tt.field), "%s %s.%s", tt.version, tt.typ, tt.field)
	}
	assert.True(t, houston.SupportsArg("1.0.0", "Query", "appConfig", "clusterId"))
	assert.False(t, houston.SupportsArg("1.0.0", "Query", "appConfig", "workspaceUuid"))
}

func TestPruneSelection(t *testing.T) {
	t.Parallel()
	sel := []houston.Field{{Name: "id"}, {Name: "clusterId"}, {Name: "runtimeVersion"},
		{Name: "workspace", Fields: houston.Fields("id", "label")},
		{Name: "roleBindings", Fields: []houston.Field{{Name: "deployment", Fields: houston.Fields("clusterId")}}}}
	kept, dropped := houston.PruneSelection("0.28.0", "Deployment", sel)
	assert.Equal(t, []houston.Field{{Name: "id"}, {Name: "workspace", Fields: houston.Fields("id", "label")}}, kept)
	assert.Equal(t, []string{"Deployment.clusterId", "Deployment.runtimeVersion", "Deployment.clusterId",
		"RoleBinding.deployment", "Deployment.roleBindings"}, dropped)
	kept, dropped = houston.PruneSelection("1.0.1", "Deployment", sel)
	assert.Equal(t, sel, kept)
	assert.Empty(t, dropped)
}

// TestVersionIsCachedPerInstallation: one probe for a client and all its
// token copies; a failed probe answers for a moment without asking again;
// a document Houston rejects as invalid makes the client ask again.
func TestVersionIsCachedPerInstallation(t *testing.T) {
	t.Parallel()
	var probes, fail atomic.Int32
	version := atomic.Value{}
	version.Store("1.0.1")
	c := setup(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "query AppConfig") && !strings.Contains(string(b), "clusterId") {
			probes.Add(1)
			if fail.Load() > 0 {
				fail.Add(-1)
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			_, _ = io.WriteString(w, `{"data":{"appConfig":{"version":"`+version.Load().(string)+`"}}}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errors":[{"message":"Cannot query field \"clusterId\" on type \"Deployment\".","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`)
	})
	ctx := t.Context()

	fail.Store(1)
	_, err := c.Version(ctx)
	require.Error(t, err)
	_, err = c.WithToken("a").Version(ctx)
	require.Error(t, err, "a failed probe answers for itself for a moment")
	assert.EqualValues(t, 1, probes.Load(), "without asking Houston again")
	c.ForgetVersion()
	v, err := c.WithToken("a").Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, "1.0.1", v)
	v, err = c.WithToken("b").Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, "1.0.1", v)
	assert.EqualValues(t, 2, probes.Load(), "the success was cached, for every token")

	// Houston was downgraded: the rejected document drops the cached version.
	version.Store("0.34.0")
	_, _, err = c.DeploymentsByID(ctx, []string{"d"}, houston.Fields("clusterId"))
	require.Error(t, err)
	v, err = c.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, "0.34.0", v)
	assert.EqualValues(t, 3, probes.Load())
}

// TestVersionWaitHonoursContext: while one caller probes a hung Houston,
// another gives up when its own context ends instead of queueing behind it.
func TestVersionWaitHonoursContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	c := setup(t, func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, `{"data":{"appConfig":{"version":"2.1.0"}}}`)
	})
	done := make(chan error, 1)
	go func() { _, err := c.Version(t.Context()); done <- err }()
	<-entered
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.WithToken("other").Version(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	require.NoError(t, <-done)
}
