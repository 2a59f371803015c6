package astro

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Claims are what an Astro API token says about its scope. Organization,
// Workspace and Deployment tokens are JWTs whose permissions claim lists
// "organizationId:<id>", "workspaceId:<id>" and "deploymentId:<id>"
// entries (the Astro CLI reads them so, in pkg/util ParseAPIToken).
type Claims struct {
	OrganizationID string
	WorkspaceID    string
	DeploymentID   string
	APITokenID     string
}

// ParseClaims reads token's claims without verifying its signature: the
// gateway uses them to route a request (which organization to ask), never
// to grant anything — Astro verifies every token it is sent. ok is false
// for a token that is not a JWT with an organization (a personal access
// token, say).
func ParseClaims(token string) (c Claims, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return c, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, false
	}
	var body struct {
		Permissions []string `json:"permissions"`
		APITokenID  string   `json:"apiTokenId"`
	}
	if json.Unmarshal(raw, &body) != nil {
		return c, false
	}
	c.APITokenID = body.APITokenID
	for _, p := range body.Permissions {
		k, v, found := strings.Cut(p, ":")
		if !found || v == "" {
			continue
		}
		switch k {
		case "organizationId":
			c.OrganizationID = v
		case "workspaceId":
			c.WorkspaceID = v
		case "deploymentId":
			c.DeploymentID = v
		}
	}
	return c, c.OrganizationID != ""
}
