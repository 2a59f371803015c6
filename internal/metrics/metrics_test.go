package metrics

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAstroRoute(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/v1/organizations/clm8t5u4q000008jq4qoc3036/deployments": "GET /organizations/{id}/deployments",
		"/v1/organizations/My-Secret-Org_1/workspaces/x y/teams":  "GET /organizations/{id}/workspaces/{id}/teams",
		"/v1/organizations/o/deployments/d/hibernation-override":  "GET /organizations/{id}/deployments/{id}/hibernation-override",
		"/v1/users/self": "GET /users/self",
		"/v1/organizations/o/tokens/clm8t5u4q000008jq4qoc3036/rotate": "GET /organizations/{id}/tokens/{id}/rotate",
		"/v1/authorization/organizations/o/permission-groups":         "GET /authorization/organizations/{id}/permission-groups",
	} {
		assert.Equal(t, want, AstroRoute("GET", path), path)
	}
}
