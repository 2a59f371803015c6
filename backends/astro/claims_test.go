package astro

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
)

func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestParseClaims(t *testing.T) {
	for _, tc := range []struct {
		name, token string
		want        Claims
		ok          bool
	}{
		{"organization token", jwt(`{"permissions":["organizationId:o1"],"apiTokenId":"t1"}`), Claims{OrganizationID: "o1", APITokenID: "t1"}, true},
		{"deployment token", jwt(`{"permissions":["organizationId:o1","workspaceId:w1","deploymentId:d1"]}`), Claims{OrganizationID: "o1", WorkspaceID: "w1", DeploymentID: "d1"}, true},
		{"no organization", jwt(`{"permissions":["workspaceId:w1"]}`), Claims{WorkspaceID: "w1"}, false},
		{"personal token", "astrosim_pat_0123456789", Claims{}, false},
		{"not base64", "a.%%%.c", Claims{}, false},
		{"not JSON", jwt(`[1,2`), Claims{}, false},
		{"empty value", jwt(`{"permissions":["organizationId:"]}`), Claims{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseClaims(tc.token)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func FuzzParseClaims(f *testing.F) {
	f.Add(jwt(`{"permissions":["organizationId:o1"]}`))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		c, ok := ParseClaims(tok)
		if ok && c.OrganizationID == "" {
			t.Fatalf("ok without an organization: %q", tok)
		}
	})
}
