package graph

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/formatter"
)

var update = flag.Bool("update", false, "rewrite golden files that exist (a missing one still fails)")

// golden compares got with testdata/name. With -update it rewrites a golden
// file that exists; a missing golden file always fails, so a typo in a name
// cannot pass silently.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file %s is missing: create it by hand, then run with -update", path)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	require.Equal(t, string(want), string(got), "schema changed: review, then go test ./graph -run TestSchemaGolden -update")
}

// TestSchemaGolden pins the unified schema as clients see it: a change to
// it shows up in review as a diff of testdata/schema.graphql.
func TestSchemaGolden(t *testing.T) {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatSchema(exec.NewExecutableSchema(exec.Config{}).Schema())
	golden(t, "schema.graphql", buf.Bytes())
}
