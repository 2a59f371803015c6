package gateway

import (
	"net/url"
	"strings"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/config"
)

// A fleet's callers bring their own credential per backend, in a header
// (or a websocket's connection_init key) named after the backend:
//
//	X-Astro-Token-<name>             an Astro organization's token
//	X-Astro-Organization-Id-<name>   the organization, for tokens that cannot list them
//	X-Houston-Token-<name>           a Software installation's token
//
// The plain X-Astro-Token (or Authorization: Bearer) and X-Houston-Token
// go to the first Astro and the first Software backend. A backend the
// caller sent nothing for gets its service token (tokenFile or ${ENV} in
// the configuration) when the caller holds a gateway key, or in demo mode.

// fleetCredentials reads a fleet caller's credentials with get.
func fleetCredentials(get func(string) string, o Options) loader.Credentials {
	c := loader.Credentials{Tokens: map[string]string{}, OrganizationIDs: map[string]string{}}
	allowed := fallbackAllowed(get("X-Gateway-Key"), o.GatewayKeys)
	firstAstro, firstSoftware := "", ""
	for _, m := range o.Fleet {
		var tok, org string
		if m.Astro != nil {
			tok = strings.TrimSpace(get("X-Astro-Token-" + m.Name))
			org = get("X-Astro-Organization-Id-" + m.Name)
			if firstAstro == "" {
				firstAstro = m.Name
				if tok == "" {
					tok = get("X-Astro-Token")
					if b, ok := strings.CutPrefix(get("Authorization"), "Bearer "); ok && tok == "" {
						tok = strings.TrimSpace(b)
					}
				}
				if org == "" {
					org = get("X-Astro-Organization-Id")
				}
			}
		} else {
			tok = strings.TrimSpace(get("X-Houston-Token-" + m.Name))
			if firstSoftware == "" {
				firstSoftware = m.Name
				if tok == "" {
					tok = get("X-Houston-Token")
				}
			}
		}
		if tok == "" && allowed {
			tok = o.Fallback.Tokens[m.Name]
			if org == "" {
				org = o.Fallback.OrganizationIDs[m.Name]
			}
		}
		if m.Astro != nil && org == "" {
			// An Astro API token names its organization.
			if cl, ok := astro.ParseClaims(tok); ok {
				org = cl.OrganizationID
			}
		}
		if tok != "" {
			c.Tokens[m.Name] = tok
		}
		if org != "" {
			c.OrganizationIDs[m.Name] = org
		}
	}
	c.AstroToken, c.AstroOrganizationID = c.Tokens[firstAstro], c.OrganizationIDs[firstAstro]
	c.HoustonToken = c.Tokens[firstSoftware]
	return c
}

// fleetKey is what a fleet caller's credentials add to a response cache
// key: every backend's token and organization, by name.
func fleetKey(c loader.Credentials, o Options) string {
	var b strings.Builder
	for _, m := range o.Fleet {
		b.WriteString(m.Name + "\x00" + c.Tokens[m.Name] + "\x00" + c.OrganizationIDs[m.Name] + "\x00")
	}
	return b.String()
}

// buildFleet builds one client per backend of f, each over its own
// transport chain whose limiter and cache keys carry the backend's name.
func buildFleet(f *config.Fleet, bo BackendOptions) ([]loader.Member, loader.Credentials, error) {
	var members []loader.Member
	service := loader.Credentials{Tokens: map[string]string{}, OrganizationIDs: map[string]string{}}
	for _, b := range f.Backends() {
		o := bo
		o.Instance, o.AstroURL, o.HoustonURL = b.Name, "", ""
		// The upstream counts per token at its host: two organizations
		// on one Astro with one token share its budget.
		if u, err := url.Parse(b.URL); err == nil {
			o.Budget = u.Host
		}
		if b.Platform == "astro" {
			o.AstroURL = b.URL
		} else {
			o.HoustonURL = b.URL
		}
		a, h, err := NewBackends(o)
		if err != nil {
			return nil, service, err
		}
		members = append(members, loader.Member{Name: b.Name, Astro: a, Houston: h, OrganizationID: b.OrganizationID})
		if b.Token != "" {
			service.Tokens[b.Name] = b.Token
		}
		if b.OrganizationID != "" {
			service.OrganizationIDs[b.Name] = b.OrganizationID
		}
	}
	return members, service, nil
}
