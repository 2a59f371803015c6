package astrosim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Astro's API tokens (Organization, Workspace and Deployment tokens) are
// JWTs: the Astro CLI reads them unverified and takes the organization,
// workspace and deployment from the permissions claim, whose entries read
// "organizationId:<id>", "workspaceId:<id>" and "deploymentId:<id>".
// The simulator issues its API tokens in that shape, signed with HS256
// under a key derived from its seed, and checks the signature and the
// expiry of every JWT it is sent. Personal access tokens stay opaque.

// tokenClaims are the claims of an API token.
type tokenClaims struct {
	Issuer     string `json:"iss"`
	Subject    string `json:"sub"`
	APITokenID string `json:"apiTokenId"`
	// ID makes every token issued unique, so that a rotation within the
	// same second still changes the secret.
	ID          string   `json:"jti"`
	Permissions []string `json:"permissions"`
	IssuedAt    int64    `json:"iat"`
	ExpiresAt   int64    `json:"exp,omitempty"`
}

const jwtIssuer = "https://api.astronomer.io"

// jwtKey is the signing key of a simulator seeded with seed.
func jwtKey(seed int64) []byte {
	k := sha256.Sum256([]byte("astrosim api token key " + strconv.FormatInt(seed, 10)))
	return k[:]
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// mintJWT signs c.
func mintJWT(key []byte, c tokenClaims) string {
	payload, _ := json.Marshal(c)
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sign(key, signing))
}

func sign(key []byte, s string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s))
	return mac.Sum(nil)
}

// looksLikeJWT reports whether tok has a JWT's three parts.
func looksLikeJWT(tok string) bool { return strings.Count(tok, ".") == 2 }

// verifyJWT checks tok's signature and reads its claims.
func verifyJWT(key []byte, tok string) (tokenClaims, bool) {
	var c tokenClaims
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return c, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(sig, sign(key, tok[:i])) {
		return c, false
	}
	_, payload, _ := strings.Cut(tok[:i], ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return c, false
	}
	return c, true
}

// apiTokenClaims are the claims of an API token with id, for an
// organization and, for narrower tokens, the workspace and deployment it is
// scoped to (empty when not).
func apiTokenClaims(id, jti, org, workspace, deployment string, issued time.Time, expires time.Time) tokenClaims {
	perms := []string{"organizationId:" + org}
	if workspace != "" {
		perms = append(perms, "workspaceId:"+workspace)
	}
	if deployment != "" {
		perms = append(perms, "deploymentId:"+deployment)
	}
	c := tokenClaims{Issuer: jwtIssuer, Subject: id, APITokenID: id, ID: jti, Permissions: perms, IssuedAt: issued.Unix()}
	if !expires.IsZero() {
		c.ExpiresAt = expires.Unix()
	}
	return c
}

// mintFor issues the secret of API token t: a JWT naming its organization
// and the entity it is scoped to.
func (s *Sim) mintFor(t *apiToken, issued time.Time) string {
	var ws, dep string
	switch t.Scope {
	case "WORKSPACE":
		ws = t.entityID
	case "DEPLOYMENT":
		dep = t.entityID
		if d, ok := s.data.deployments[dep]; ok {
			ws = d.WorkspaceID
		}
	}
	var exp time.Time
	if t.EndAt != "" {
		exp, _ = time.Parse(time.RFC3339, t.EndAt)
	}
	return mintJWT(s.jwtKey, apiTokenClaims(t.ID, s.ids.alnum(16, base62), t.orgID, ws, dep, issued, exp))
}
