package houston

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// ErrNotFound is returned by single-object methods when Houston answers
// null without an error (an unknown id).
var ErrNotFound = errors.New("houston: not found")

// IsNotFound reports whether err says the object does not exist: ErrNotFound,
// or Houston's RESOURCE_NOT_FOUND.
func IsNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var ge *GraphQLError
	return errors.As(err, &ge) && ge.Code() == "RESOURCE_NOT_FOUND"
}

// call is one root field the client sends: its operation, arguments and
// the selection on its result type.
type call struct {
	kind   ast.Operation
	opName string
	field  string // root field name
	args   []arg
	result string // named type of the result, "" for a scalar
	sel    []Field
}

// rootType names the root type of an operation kind.
func rootType(kind ast.Operation) string {
	switch kind {
	case ast.Mutation:
		return "Mutation"
	case ast.Subscription:
		return "Subscription"
	}
	return "Query"
}

// defaultSelection is what is selected on a result type when the caller
// selects nothing: the id where the type has one.
func defaultSelection(typeName string) []Field {
	switch typeName {
	case "":
		return nil
	case "AppConfig", "RuntimeRelease":
		return Fields("version")
	case "AuthConfig":
		return Fields("localEnabled")
	case "DeploymentConfig":
		return Fields("__typename")
	case "AvailableNamespace":
		return Fields("name")
	case "TeamsPage":
		return Fields("count")
	case "AuthUser":
		return []Field{{Name: "token", Fields: Fields("value")}}
	}
	return Fields("id")
}

// needsVersion reports whether the document of cl depends on the Houston
// version: its root field, one of the arguments it sends or a field of its
// selection is in the version table.
func (cl call) needsVersion() bool {
	root := rootType(cl.kind)
	if versioned(root + "." + cl.field) {
		return true
	}
	for _, a := range cl.args {
		if versioned(root + "." + cl.field + "(" + argName(a) + ")") {
			return true
		}
	}
	return selectionVersioned(cl.result, cl.sel)
}

// argName is the argument an arg sets ("where" for "where.id").
func argName(a arg) string {
	name, _, _ := strings.Cut(a.name, ".")
	return name
}

// shape fits cl to Houston version v: the root field must exist (else an
// *UnsupportedError), arguments v lacks are left out when empty and refused
// when set, and the selection loses the fields v lacks.
func (cl call) shape(v string) (call, error) {
	root := rootType(cl.kind)
	if !Supports(v, root, cl.field) {
		return cl, &UnsupportedError{Version: versionName(v), Feature: root + "." + cl.field}
	}
	var args []arg
	for _, a := range cl.args {
		if SupportsArg(v, root, cl.field, argName(a)) {
			args = append(args, a)
			continue
		}
		if !isZero(a.value) {
			return cl, &UnsupportedError{Version: versionName(v), Feature: root + "." + cl.field + "(" + argName(a) + ")"}
		}
	}
	cl.args = args
	sel, _ := PruneSelection(v, cl.result, cl.sel)
	if len(sel) == 0 {
		sel = defaultSelection(cl.result)
	}
	cl.sel = sel
	return cl, nil
}

func versionName(v string) string {
	if v == "" {
		return NewestVersion
	}
	return v
}

// isZero reports whether an argument value is empty: nil, a zero value, an
// empty string, map or slice.
func isZero(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		return rv.Len() == 0
	case reflect.Pointer:
		return rv.IsNil()
	}
	return rv.IsZero()
}

// run sends cl, shaped for the installed version, and decodes its result
// into out (which stays untouched when Houston answers null). Like Do, it
// returns partial data with GraphQL errors.
func (c *Client) run(ctx context.Context, cl call, out any) error {
	if cl.result != "" {
		cl.sel = Merge(cl.sel, nil)
	}
	shaped, err := cl.shape(c.shapeVersion(ctx, cl.needsVersion()))
	if err != nil {
		return err
	}
	req := buildDocument(cl.kind, cl.opName, []rootField{{alias: cl.field, name: cl.field, args: shaped.args, sel: shaped.sel}})
	if out == nil {
		return c.Do(ctx, req, nil)
	}
	// data is decoded in one pass into a map of out's type, so that the
	// decoded tier keeps the objects themselves.
	data := reflect.New(reflect.MapOf(reflect.TypeFor[string](), reflect.TypeOf(out).Elem()))
	err = c.Do(ctx, req, data.Interface())
	if isValidationFailure(err) {
		c.ForgetVersion() // Houston may have been upgraded or downgraded
	}
	if v := data.Elem().MapIndex(reflect.ValueOf(cl.field)); v.IsValid() && !v.IsZero() {
		reflect.ValueOf(out).Elem().Set(v)
	}
	return err
}

// one runs a call whose result is one object; a null result without errors
// is ErrNotFound.
func one[T any](ctx context.Context, c *Client, cl call) (*T, error) {
	cl.sel = With(cl.sel, defaultSelectionNames(cl.result)...)
	var out *T
	if err := c.run(ctx, cl, &out); err != nil {
		return out, err
	}
	if out == nil {
		return nil, ErrNotFound
	}
	return out, nil
}

// many runs a call whose result is a list of objects.
func many[T any](ctx context.Context, c *Client, cl call) ([]*T, error) {
	cl.sel = With(cl.sel, defaultSelectionNames(cl.result)...)
	var out []*T
	err := c.run(ctx, cl, &out)
	return compact(out), err
}

// defaultSelectionNames lists the id field of types that have one, which
// the client always selects so that results can be matched.
func defaultSelectionNames(typeName string) []string {
	if sel := defaultSelection(typeName); len(sel) == 1 && sel[0].Name == "id" {
		return []string{"id"}
	}
	return nil
}
