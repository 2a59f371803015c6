package houstonsim

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

func TestPage(t *testing.T) {
	t.Parallel()
	items := make([]string, 10)
	for i := range items {
		items[i] = "c" + strconv.Itoa(i)
	}
	n := func(v int) *int { return &v }
	tests := []struct {
		name    string
		args    pageArgs
		want    []string
		wantErr bool
	}{
		{"defaults to 20", pageArgs{}, items, false},
		{"take", pageArgs{take: n(3)}, items[:3], false},
		{"take 0", pageArgs{take: n(0)}, []string{}, false},
		{"second page", pageArgs{take: n(3), pageNumber: n(1)}, items[3:6], false},
		{"short last page", pageArgs{take: n(3), pageNumber: n(3)}, items[9:], false},
		{"past the end", pageArgs{take: n(3), pageNumber: n(4)}, []string{}, false},
		{"huge page number", pageArgs{take: n(1 << 40), pageNumber: n(1 << 40)}, []string{}, false},
		{"negative take is all", pageArgs{take: n(-1)}, items, false},
		{"negative take ignores page", pageArgs{take: n(-1), pageNumber: n(3)}, items, false},
		{"cursor exclusive", pageArgs{take: n(2), cursor: "c4"}, items[5:7], false},
		{"cursor then page", pageArgs{take: n(2), cursor: "c4", pageNumber: n(1)}, items[7:9], false},
		{"cursor at the end", pageArgs{take: n(2), cursor: "c9"}, []string{}, false},
		{"before cursor", pageArgs{take: n(-3), cursor: "c4"}, items[1:4], false},
		{"before cursor near start", pageArgs{take: n(-3), cursor: "c1"}, items[:1], false},
		{"unknown cursor", pageArgs{take: n(2), cursor: "zz"}, []string{}, false},
		{"negative page", pageArgs{pageNumber: n(-1)}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := page(items, func(s string) string { return s }, tt.args)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if len(got) > 0 {
				got[0] = "changed"
				assert.NotEqual(t, "changed", items[0], "page returns a copy")
			}
		})
	}
}

func TestCredential(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                "",
		"abc":             "abc",
		" abc ":           "abc",
		"Bearer abc":      "abc",
		"bearer abc":      "abc",
		"Bearer  abc":     "abc",
		"Bearer":          "Bearer",
		"Bearerabc":       "Bearerabc",
		"eyJ.payload.sig": "eyJ.payload.sig",
	}
	for in, want := range tests {
		assert.Equal(t, want, credential(in), "%q", in)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role string
		perm string
		want bool
	}{
		{"SYSTEM_ADMIN", permSystemDeploymentsGet, true},
		{"SYSTEM_ADMIN", permSystemServiceAccountsGet, true},
		{"SYSTEM_VIEWER", permSystemDeploymentsGet, false},
		{"WORKSPACE_VIEWER", permWorkspaceDeploymentsGet, true},
		{"WORKSPACE_ADMIN", permWorkspaceDeploymentsGet, true},
		{"WORKSPACE_ADMIN", permDeploymentConfigGet, false},
		{"DEPLOYMENT_VIEWER", permDeploymentConfigGet, true},
		{"DEPLOYMENT_ADMIN", "deployment.config.delete", true},
		{"DEPLOYMENT_EDITOR", "deployment.config.delete", false},
		{"USER", "system.workspace.create", true},
		{"NONE", permDeploymentConfigGet, false},
	}
	for _, tt := range tests {
		t.Run(tt.role+" "+tt.perm, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, grants(model.Role(tt.role), tt.perm))
		})
	}
}
