package loader

import (
	"context"
	"slices"
	"sync"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
)

// A fleet is several named backends behind one gateway: Astro
// organizations and Software installations. Each request then has one set
// of loaders per backend (a member), built with the caller's credential for
// that backend, so nothing one backend's loaders memoise is seen by
// another's. The request's own loaders (For) are those of the first Astro
// and the first Software backend, which Query.astro, Query.software and the
// mutations address.

// Member is one backend of a fleet.
type Member struct {
	Name string
	// Exactly one of Astro and Houston is set.
	Astro   *astro.Client
	Houston *houston.Client
	// OrganizationID (Astro) is the organization the backend serves;
	// empty: the organizations the caller's token may list.
	OrganizationID string
}

// Platform names of members, as Member.Platform returns them.
const (
	PlatformAstro    = "astro"
	PlatformSoftware = "software"
)

// Platform is "astro" or "software".
func (m Member) Platform() string {
	if m.Astro != nil {
		return PlatformAstro
	}
	return PlatformSoftware
}

// fleetState is what one request's loaders know of the fleet.
type fleetState struct {
	once    sync.Once
	members []*Loaders

	orgOnce sync.Once
	orgOf   map[string]*Loaders // Astro organization id → member

	origin sync.Map // listed object (a model pointer) → member
}

// Remember notes that obj, an object a fleet list returned, came from
// member m: its fields resolve with m's loaders (see Origin), even when
// two backends serve the same organization.
func (l *Loaders) Remember(obj any, m *Loaders) {
	if l.fleet != nil && m != nil {
		l.fleet.origin.Store(obj, m)
	}
}

// Origin is the member that obj came from, if a list remembered it.
func (l *Loaders) Origin(obj any) *Loaders {
	if l.fleet == nil {
		return nil
	}
	if m, ok := l.fleet.origin.Load(obj); ok {
		return m.(*Loaders)
	}
	return nil
}

// InFleet reports whether the gateway serves a fleet of named backends.
func (l *Loaders) InFleet() bool { return len(l.cfg.Fleet) > 0 }

// Name is the backend name of these loaders: a member's name, or, for the
// request's own loaders, "default" (the names of a fleet's first backends
// are their members').
func (l *Loaders) Name() string {
	if l.cfg.Name != "" {
		return l.cfg.Name
	}
	return houston.DefaultInstallation
}

// Members returns the loaders of every backend of the request, in the
// configuration's order (Astro first). Without a fleet it is the request's
// own loaders alone, which serve both platforms.
func (l *Loaders) Members() []*Loaders {
	if !l.InFleet() {
		return []*Loaders{l}
	}
	if l.fleet == nil {
		return nil // a member's own loaders: never asked
	}
	l.fleet.once.Do(func() {
		for _, m := range l.cfg.Fleet {
			cfg := l.cfg
			cfg.Fleet, cfg.Name, cfg.Astro, cfg.Houston = nil, m.Name, m.Astro, m.Houston
			creds := Credentials{}
			if m.Astro != nil {
				creds.AstroToken = l.creds.Tokens[m.Name]
				creds.AstroOrganizationID = m.OrganizationID
				if creds.AstroOrganizationID == "" {
					creds.AstroOrganizationID = l.creds.OrganizationIDs[m.Name]
				}
			} else {
				creds.HoustonToken = l.creds.Tokens[m.Name]
			}
			ml := New(cfg, creds)
			ml.platform = m.Platform()
			l.fleet.members = append(l.fleet.members, ml)
		}
	})
	return l.fleet.members
}

// Member returns the loaders of the backend named name, or nil.
func (l *Loaders) Member(name string) *Loaders {
	for _, m := range l.Members() {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// SoftwareMember returns the loaders of the Software installation named
// name: the request's own loaders without a fleet when name is theirs.
func (l *Loaders) SoftwareMember(name string) *Loaders {
	if !l.InFleet() {
		if name == l.Installation() {
			return l
		}
		return nil
	}
	m := l.Member(name)
	if m == nil || m.platform != PlatformSoftware {
		return nil
	}
	return m
}

// AstroMember returns the loaders of the Astro backend that serves
// organization org: a member configured with it, or one whose caller token
// lists it (one ListOrganizations per such member and request). nil when
// no backend does; without a fleet, the request's own loaders.
func (l *Loaders) AstroMember(ctx context.Context, org string) *Loaders {
	if !l.InFleet() {
		return l
	}
	if l.fleet == nil {
		return nil
	}
	l.fleet.orgOnce.Do(func() {
		l.fleet.orgOf = map[string]*Loaders{}
		var listing []*Loaders
		for _, m := range l.Members() {
			if m.platform != PlatformAstro || m.astro == nil {
				continue
			}
			if id := m.creds.AstroOrganizationID; id != "" {
				if _, taken := l.fleet.orgOf[id]; !taken {
					l.fleet.orgOf[id] = m
				}
				continue
			}
			listing = append(listing, m)
		}
		for _, m := range listing {
			ids, err := m.AstroOrganizationIDs(ctx)
			if err != nil {
				continue
			}
			for _, id := range ids {
				if _, taken := l.fleet.orgOf[id]; !taken {
					l.fleet.orgOf[id] = m
				}
			}
		}
	})
	return l.fleet.orgOf[org]
}

// Platforms says which platforms the loaders serve: a member one, the
// request's own loaders both.
func (l *Loaders) Platforms() []string {
	if l.platform != "" {
		return []string{l.platform}
	}
	return []string{PlatformAstro, PlatformSoftware}
}

// Secrets are every token of the credentials, for scrubbing errors.
func (c Credentials) Secrets() []string {
	out := []string{c.AstroToken, c.HoustonToken}
	for _, t := range c.Tokens {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// From returns the loaders in ctx, if any.
func From(ctx context.Context) (*Loaders, bool) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	return l, ok
}
