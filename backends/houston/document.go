package houston

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// Field is one field of a selection on a Houston type, with its own
// sub-selection for object fields. The gateway turns its caller's selection
// into Fields so that Houston is asked for nothing else.
type Field struct {
	Name   string
	Fields []Field
}

// Fields is shorthand for a flat selection of scalar fields.
func Fields(names ...string) []Field {
	out := make([]Field, len(names))
	for i, n := range names {
		out[i] = Field{Name: n}
	}
	return out
}

// Merge returns the union of two selections, merging sub-selections of fields
// that appear in both. The result is sorted by name so documents are stable.
func Merge(a, b []Field) []Field {
	byName := map[string][]Field{}
	seen := map[string]bool{}
	var names []string
	for _, f := range append(append([]Field{}, a...), b...) {
		if !seen[f.Name] {
			seen[f.Name] = true
			names = append(names, f.Name)
		}
		byName[f.Name] = Merge(byName[f.Name], f.Fields)
	}
	sort.Strings(names)
	out := make([]Field, len(names))
	for i, n := range names {
		out[i] = Field{Name: n, Fields: byName[n]}
	}
	return out
}

// With returns sel with the named fields added (if missing).
func With(sel []Field, names ...string) []Field { return Merge(sel, Fields(names...)) }

// arg is one argument of a root field, passed as a variable.
type arg struct {
	name    string // argument name, or "where.id" for an input-object field
	varType *ast.Type
	value   any
}

// rootField is one (possibly aliased) root field of a document.
type rootField struct {
	alias string
	name  string
	args  []arg
	sel   []Field
}

// document builds the text and variables of one query holding roots.
// Values always travel as variables, never spliced into the text.
func document(opName string, roots []rootField) *Request {
	return buildDocument(ast.Query, opName, roots)
}

// buildDocument builds one operation of kind (query, mutation or
// subscription) holding roots. An argument named "parent.child" becomes a
// field of an inline input object, as the CLI writes
// deployment(where: {id: $id}).
func buildDocument(kind ast.Operation, opName string, roots []rootField) *Request {
	op := &ast.OperationDefinition{Operation: kind, Name: opName}
	vars := map[string]any{}
	for i, r := range roots {
		f := &ast.Field{Alias: r.alias, Name: r.name, SelectionSet: selectionSet(r.sel)}
		if r.alias == r.name {
			f.Alias = ""
		}
		objects := map[string]*ast.Value{}
		for _, a := range r.args {
			v := fmt.Sprintf("v%d_%s", i, strings.ReplaceAll(a.name, ".", "_"))
			op.VariableDefinitions = append(op.VariableDefinitions, &ast.VariableDefinition{Variable: v, Type: a.varType})
			vars[v] = a.value
			ref := &ast.Value{Kind: ast.Variable, Raw: v}
			if parent, child, ok := strings.Cut(a.name, "."); ok {
				obj := objects[parent]
				if obj == nil {
					obj = &ast.Value{Kind: ast.ObjectValue}
					objects[parent] = obj
					f.Arguments = append(f.Arguments, &ast.Argument{Name: parent, Value: obj})
				}
				obj.Children = append(obj.Children, &ast.ChildValue{Name: child, Value: ref})
				continue
			}
			f.Arguments = append(f.Arguments, &ast.Argument{Name: a.name, Value: ref})
		}
		op.SelectionSet = append(op.SelectionSet, f)
	}
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatQueryDocument(&ast.QueryDocument{Operations: ast.OperationList{op}})
	if len(vars) == 0 {
		vars = nil
	}
	return &Request{Query: b.String(), Variables: vars, OperationName: opName}
}

func selectionSet(fields []Field) ast.SelectionSet {
	if len(fields) == 0 {
		return nil
	}
	out := make(ast.SelectionSet, 0, len(fields))
	for _, f := range fields {
		out = append(out, &ast.Field{Name: f.Name, SelectionSet: selectionSet(f.Fields)})
	}
	return out
}

func alias(i int) string { return fmt.Sprintf("_%d", i) }

// Variable types, spelled as Houston's schema spells them.
var (
	typeUuidNonNull   = ast.NonNullNamedType("Uuid", nil)
	typeStringNonNull = ast.NonNullNamedType("String", nil)
	typeInt           = ast.NamedType("Int", nil)
	typeUuid          = ast.NamedType("Uuid", nil)
	typeString        = ast.NamedType("String", nil)
	typeBoolean       = ast.NamedType("Boolean", nil)
	typeIDNonNull     = ast.NonNullNamedType("Id", nil)
	typeJSONNonNull   = ast.NonNullNamedType("JSON", nil)
	typeDateTime      = ast.NamedType("DateTime", nil)
	typeRoleNonNull   = ast.NonNullNamedType("Role", nil)
	typeExecutor      = ast.NamedType("ExecutorType", nil)
	typeExecutorNN    = ast.NonNullNamedType("ExecutorType", nil)
	typeDagDeployment = ast.NamedType("DagDeployment", nil)
	typeUserSearch    = ast.NamedType("UserSearch", nil)
	typeMode          = ast.NamedType("AllowedDeploymentModeValues", nil)
)
