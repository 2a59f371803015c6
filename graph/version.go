package graph

import (
	"context"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
)

// Houston versions differ in what they have. The client leaves out of every
// document what the installed version lacks (houston.PruneSelection), so a
// request never fails for it; the GraphQL fields that read only such
// Houston fields resolve here, to null with an UNSUPPORTED_BY_BACKEND_VERSION
// error, instead of a silent null.

// softwareVersion is the installed Houston version, or "" when it cannot be
// learnt (then every field counts as present, as the client then sends the
// newest shapes). The client learns it once and keeps it.
func softwareVersion(ctx context.Context) string {
	c, err := loader.For(ctx).HoustonAnonymous()
	if err != nil {
		return ""
	}
	v, err := c.Version(ctx)
	if err != nil {
		return ""
	}
	return v
}

// houstonVersion answers SoftwareQuery.houstonVersion.
func houstonVersion(ctx context.Context) (*string, error) {
	c, err := loader.For(ctx).HoustonAnonymous()
	if err != nil {
		return nil, err
	}
	v, err := c.Version(ctx)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	return &v, nil
}

// gated returns v, the value of the field being resolved, unless the
// installed Houston lacks every Houston field that table maps the field to
// (on houstonType): then it returns an *houston.UnsupportedError.
func gated[T any](ctx context.Context, houstonType string, table map[string][]houston.Field, v T) (T, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return v, nil
	}
	fields := table[fc.Field.Name]
	if len(fields) == 0 {
		return v, nil
	}
	ver := softwareVersion(ctx)
	if ver == "" {
		return v, nil
	}
	kept, dropped := houston.PruneSelection(ver, houstonType, fields)
	if len(kept) == 0 && len(dropped) > 0 {
		var zero T
		return zero, unsupported(ver, dropped[0])
	}
	return v, nil
}

// requireHouston returns an *houston.UnsupportedError when the installed
// Houston lacks typeName.field (a field, or a root field such as
// "Query", "workspaceTeams").
func requireHouston(ctx context.Context, typeName, field string) error {
	ver := softwareVersion(ctx)
	if ver == "" || houston.Supports(ver, typeName, field) {
		return nil
	}
	return unsupported(ver, typeName+"."+field)
}

func unsupported(version, feature string) error {
	return fault.Upstream(fault.Houston, &houston.UnsupportedError{Version: version, Feature: feature})
}
