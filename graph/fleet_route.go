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
//
// A mutation runs on the backend its input names: the installation of the
// first Software global id in it, or the Astro backend of its
// organizationId (or of an Astro global id).
func RouteFleet(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || (!fc.IsResolver && !fc.IsMethod) || fc.Parent == nil {
		return next(ctx)
	}
	l, ok := loader.From(ctx)
	if !ok || !l.InFleet() {
		return next(ctx)
	}
	if fc.Object == "Mutation" {
		if m := mutationMember(ctx, l, fc.Args); m != nil && m != l {
			ctx = loader.WithLoaders(ctx, m)
		}
		return next(ctx)
	}
	if fc.Parent.Result == nil {
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

// mutationMember finds the backend a mutation's arguments name.
func mutationMember(ctx context.Context, l *loader.Loaders, args map[string]any) *loader.Loaders {
	for _, v := range args {
		if m := inputMember(ctx, l, reflect.ValueOf(v), "", 0); m != nil {
			return m
		}
	}
	return nil
}

func inputMember(ctx context.Context, l *loader.Loaders, rv reflect.Value, field string, depth int) *loader.Loaders {
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || depth > 3 {
		return nil
	}
	switch rv.Kind() {
	case reflect.String:
		s := rv.String()
		if field == "OrganizationID" && s != "" {
			return l.AstroMember(ctx, s)
		}
		g, err := decodeID(s)
		switch {
		case err != nil:
		case strings.HasPrefix(g.Type, "Software"):
			return l.SoftwareMember(g.Parts[0])
		case strings.HasPrefix(g.Type, "Astro"):
			return l.AstroMember(ctx, g.Parts[0])
		}
	case reflect.Struct:
		for i := range rv.NumField() {
			if !rv.Type().Field(i).IsExported() {
				continue
			}
			if m := inputMember(ctx, l, rv.Field(i), rv.Type().Field(i).Name, depth+1); m != nil {
				return m
			}
		}
	case reflect.Slice:
		for i := range min(rv.Len(), 10) {
			if m := inputMember(ctx, l, rv.Index(i), field, depth+1); m != nil {
				return m
			}
		}
	}
	return nil
}
