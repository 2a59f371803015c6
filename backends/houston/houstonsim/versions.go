package houstonsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Versions. The schema in schema/*.graphqls is the union of every Houston
// version the simulator can pose as; the directives @since(version: "x")
// and @until(version: "y") on fields and arguments say which versions have
// them (since ≤ V < until), and @requiredSince(version: "z") makes an
// argument non-null from version z on. They mirror the differences between
// the versions of the Astro CLI's documents
// (shared/specs/houston/operations/*.vX.graphql; reference §4).
//
// A Sim serves the schema pruned for its version: the fields and arguments
// that version lacks are gone, so gqlgen's validation rejects them exactly
// as Houston does (HTTP 400, `Cannot query field "x" on type "Y".`,
// `Unknown argument "x" on field "Y.f".`), and introspection shows that
// version's schema. Execution still runs the generated code of the union,
// which never sees the pruned fields.

// SupportedVersions lists the Houston versions the simulator is tested to
// pose as, oldest first: 0.34, 1.0 and 2.1, with 1.0.0 beside 1.0.1 because
// the CLI's documents change between them.
func SupportedVersions() []string { return []string{"0.34.0", "1.0.0", "1.0.1", "2.1.0"} }

// Schema returns the simulator's schema as Houston version serves it (see
// [WithVersion] for how versions are read). It fails only if the embedded
// schema is broken.
func Schema(version string) (*ast.Schema, error) {
	v := parseVersion(version)
	doc, err := parser.ParseSchemas(append([]*ast.Source{validator.Prelude}, sources...)...)
	if err != nil {
		return nil, fmt.Errorf("houstonsim: parse schema: %w", err)
	}
	prune := func(defs ast.DefinitionList) {
		for _, def := range defs {
			def.Fields = slices.DeleteFunc(def.Fields, func(f *ast.FieldDefinition) bool { return !exists(f.Directives, v) })
			for _, f := range def.Fields {
				f.Directives = withoutVersionDirectives(f.Directives)
				f.Arguments = slices.DeleteFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool { return !exists(a.Directives, v) })
				for _, a := range f.Arguments {
					if since, ok := directiveVersion(a.Directives, "requiredSince"); ok && compare(v, since) >= 0 && !a.Type.NonNull {
						t := *a.Type
						t.NonNull = true
						a.Type = &t
					}
					a.Directives = withoutVersionDirectives(a.Directives)
				}
			}
		}
	}
	prune(doc.Definitions)
	prune(doc.Extensions)
	doc.Directives = slices.DeleteFunc(doc.Directives, func(d *ast.DirectiveDefinition) bool { return isVersionDirective(d.Name) })
	schema, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("houstonsim: schema for version %s: %w", version, err)
	}
	return schema, nil
}

func isVersionDirective(name string) bool {
	return name == "since" || name == "until" || name == "requiredSince"
}

func withoutVersionDirectives(list ast.DirectiveList) ast.DirectiveList {
	return slices.DeleteFunc(slices.Clone(list), func(d *ast.Directive) bool { return isVersionDirective(d.Name) })
}

// exists reports whether a field or argument with these directives exists in
// version v.
func exists(list ast.DirectiveList, v version) bool {
	if since, ok := directiveVersion(list, "since"); ok && compare(v, since) < 0 {
		return false
	}
	if until, ok := directiveVersion(list, "until"); ok && compare(v, until) >= 0 {
		return false
	}
	return true
}

func directiveVersion(list ast.DirectiveList, name string) (version, bool) {
	d := list.ForName(name)
	if d == nil {
		return version{}, false
	}
	a := d.Arguments.ForName("version")
	if a == nil || a.Value == nil {
		return version{}, false
	}
	return parseVersion(a.Value.Raw), true
}

// version is a Houston version, major.minor.patch.
type version [3]int

// newestVersion stands for an unknown version: like the Astro CLI, the
// simulator then behaves as the newest Houston.
func newestVersion() version { return version{1 << 20, 0, 0} }

// parseVersion reads "1.0.5", "v2.1.0" or "2.1.0-rc.1" (a pre-release
// suffix is ignored, as by the CLI). Anything else is the newest version.
func parseVersion(s string) version {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return newestVersion()
	}
	var v version
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return newestVersion()
		}
		v[i] = n
	}
	return v
}

// ValidVersion reports whether s reads as a Houston version (see
// [WithVersion]).
func ValidVersion(s string) bool { return parseVersion(s) != newestVersion() }

func compare(a, b version) int { return slices.Compare(a[:], b[:]) }

// compareVersions compares two version strings (Runtime or Airflow
// versions, which have the same form).
func compareVersions(a, b string) int { return compare(parseVersion(a), parseVersion(b)) }
