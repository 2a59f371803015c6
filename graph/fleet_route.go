package graph

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/graph/loader"
)

// RouteFleet is a field middleware for a fleet: a resolver of a field of an
// object that lives on one backend (a Software object by its installation,
// an Astro object by its organization) runs with that backend's loaders,
// so a staging deployment's workspace is read from staging with the
// caller's staging credential. Without a fleet it does nothing.
func RouteFleet(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || (!fc.IsResolver && !fc.IsMethod) || fc.Parent == nil || fc.Parent.Result == nil {
		return next(ctx)
	}
	l, ok := loader.From(ctx)
	if !ok || !l.InFleet() {
		return next(ctx)
	}
	if m := memberOf(ctx, l, fc.Parent.Result); m != nil && m != l {
		ctx = loader.WithLoaders(ctx, m)
	}
	return next(ctx)
}

// memberOf finds the backend of a parent object: its Installation field
// (Software types) or its OrganizationID field (Astro types).
func memberOf(ctx context.Context, l *loader.Loaders, v any) *loader.Loaders {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if rv.IsNil() {
			return nil
		}
		if rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct {
			if m := l.Origin(rv.Interface()); m != nil {
				return m
			}
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() != reflect.Struct {
		return nil
	}
	f := locatorOf(rv.Type())
	switch {
	case f.installation != nil:
		return l.SoftwareMember(rv.FieldByIndex(f.installation).String())
	case f.organization != nil:
		if org := rv.FieldByIndex(f.organization).String(); org != "" {
			return l.AstroMember(ctx, org)
		}
	}
	return nil
}

// locator is where a model type says which backend it lives on.
type locator struct{ installation, organization []int }

var locators sync.Map // reflect.Type → locator

func locatorOf(t reflect.Type) locator {
	if v, ok := locators.Load(t); ok {
		return v.(locator)
	}
	var loc locator
	if f, ok := t.FieldByName("Installation"); ok && f.Type.Kind() == reflect.String && strings.HasPrefix(t.Name(), "Software") {
		loc.installation = f.Index
	} else if f, ok := t.FieldByName("OrganizationID"); ok && f.Type.Kind() == reflect.String && strings.HasPrefix(t.Name(), "Astro") {
		loc.organization = f.Index
	}
	locators.Store(t, loc)
	return loc
}
