package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/graph/exec"
)

// undocumented lists every type, field, argument, input field and enum
// value of the schema's own definitions (not GraphQL's built-ins) that has
// no description, by schema coordinate (Type.field(arg:)).
func undocumented(s *ast.Schema) []string {
	var out []string
	blank := func(d string) bool { return strings.TrimSpace(d) == "" }
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if blank(def.Description) {
			out = append(out, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if blank(f.Description) {
				out = append(out, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if blank(a.Description) {
					out = append(out, fmt.Sprintf("%s.%s(%s:)", name, f.Name, a.Name))
				}
			}
		}
		for _, v := range def.EnumValues {
			if blank(v.Description) {
				out = append(out, name+"."+v.Name)
			}
		}
	}
	for name, d := range s.Directives {
		if d.Position == nil || d.Position.Src == nil || d.Position.Src.BuiltIn {
			continue
		}
		if blank(d.Description) {
			out = append(out, "@"+name)
		}
		for _, a := range d.Arguments {
			if blank(a.Description) {
				out = append(out, fmt.Sprintf("@%s(%s:)", name, a.Name))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestSchemaDocumented: the schema documents itself. Every type, field,
// argument, input field and enum value says what it is (units, defaults,
// the upstream call it costs, the platform versions that have it); a new
// one without a description fails here, named.
func TestSchemaDocumented(t *testing.T) {
	t.Parallel()
	missing := undocumented(exec.NewExecutableSchema(exec.Config{}).Schema())
	if len(missing) > 0 {
		t.Errorf("%d schema elements have no description (add one in graph/schema/*.graphqls):\n  %s",
			len(missing), strings.Join(missing, "\n  "))
	}
}

// TestNoDeprecationInProse: a superseded field says so with
// @deprecated(reason: …), which clients and GraphiQL understand, not with a
// description that starts "Deprecated" (which gqlgen would also copy into
// the Go model as a deprecation comment).
func TestNoDeprecationInProse(t *testing.T) {
	t.Parallel()
	s := exec.NewExecutableSchema(exec.Config{}).Schema()
	prose := func(d string) bool { return strings.HasPrefix(strings.ToLower(strings.TrimSpace(d)), "deprecated") }
	for name, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			if prose(f.Description) {
				t.Errorf("%s.%s: put the deprecation in @deprecated(reason:), not the description", name, f.Name)
			}
		}
		for _, v := range def.EnumValues {
			if prose(v.Description) {
				t.Errorf("%s.%s: put the deprecation in @deprecated(reason:), not the description", name, v.Name)
			}
		}
	}
}

// TestUndocumentedFindsEveryKind: the walk above sees each kind of element.
func TestUndocumentedFindsEveryKind(t *testing.T) {
	t.Parallel()
	s := &ast.Schema{Types: map[string]*ast.Definition{
		"T": {Kind: ast.Object, Name: "T", Fields: ast.FieldList{
			{Name: "f", Description: "d", Arguments: ast.ArgumentDefinitionList{{Name: "a"}}},
			{Name: "g"},
		}},
		"I":   {Kind: ast.InputObject, Name: "I", Description: "d", Fields: ast.FieldList{{Name: "x"}}},
		"E":   {Kind: ast.Enum, Name: "E", Description: "d", EnumValues: ast.EnumValueList{{Name: "V"}}},
		"S":   {Kind: ast.Scalar, Name: "S"},
		"Int": {Kind: ast.Scalar, Name: "Int", BuiltIn: true},
	}}
	want := []string{"E.V", "I.x", "S", "T", "T.f(a:)", "T.g"}
	if got := undocumented(s); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
