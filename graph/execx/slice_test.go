package execx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const schema = `
type Query { things: [Thing!]! node: Node }
interface Node { id: ID! }
type Thing implements Node { id: ID! name: String owner: Owner parts: [Thing!]! }
type Owner implements Node { id: ID! name: String teams: [String!]! }
`

// The resolver interfaces gqlgen would generate for schema: Thing.owner
// and Owner.teams have resolvers.
type (
	thingResolver interface {
		Owner(ctx context.Context, obj *struct{}) (*struct{}, error)
	}
	ownerResolver interface {
		Teams(ctx context.Context, obj *struct{}) ([]string, error)
	}
	root interface {
		Thing() thingResolver
		Owner() ownerResolver
	}
)

func selection(t *testing.T, query string) ast.SelectionSet {
	t.Helper()
	s := gqlparser.MustLoadSchema(&ast.Source{Input: schema})
	doc, errs := gqlparser.LoadQueryWithRules(s, query, nil)
	require.Nil(t, errs)
	things := doc.Operations[0].SelectionSet[0].(*ast.Field)
	return things.SelectionSet
}

func TestMayBlock(t *testing.T) {
	Register(reflect.TypeFor[root]())
	b := blocking.Load()
	for query, want := range map[string]bool{
		`{ things { id name __typename } }`:                           false,
		`{ things { name parts { name parts { id } } } }`:             false,
		`{ things { name owner { name } } }`:                          true,  // a resolver
		`{ things { parts { parts { owner { id } } } } }`:             true,  // deep down
		`{ things { ... on Thing { owner { id } } } }`:                true,  // in a fragment
		`{ things { ...F } } fragment F on Thing { parts { name } }`:  false, // a spread, no resolver
		`{ things { ...F } } fragment F on Thing { owner { teams } }`: true,
		`{ things { ... @defer { name } } }`:                          true, // @defer waits
		`{ things { ... on Node { id } } }`:                           false,
		`{ things { name ... on Node { ... on Owner { teams } } } }`:  true,
	} {
		assert.Equal(t, want, mayBlock(b, selection(t, query)), query)
	}
}

// The in-order path gives each element the field context gqlgen would
// (its index in the error path), and a panic in one element nulls that
// element only, with an error on its path.
func TestMarshalSliceInOrder(t *testing.T) {
	Register(reflect.TypeFor[root]())
	sel := selection(t, `{ things { name } }`)
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter,
		func(ctx context.Context, err any) error { return errors.New("internal error") })
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "things"}}})
	type key struct{}
	ctx = context.WithValue(ctx, key{}, "kept")
	var paths []string
	ret := MarshalSlice(ctx, sel, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		paths = append(paths, graphql.GetFieldContext(ctx).Path().String())
		child := graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "name"}}})
		assert.Equal(t, fmt.Sprintf("things[%d].name", i), graphql.GetFieldContext(child).Path().String(), "a field below an element")
		assert.Equal(t, "kept", child.Value(key{}), "the parent's values")
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	assert.Equal(t, []string{"things[0]", "things[1]", "things[2]"}, paths, "in order, on this goroutine")
	var out bytes.Buffer
	ret.MarshalGQL(&out)
	assert.Equal(t, "[0,null,2]", out.String())
	errs := graphql.GetErrors(ctx)
	require.Len(t, errs, 1)
	assert.Equal(t, "internal error", errs[0].Message)
	assert.Equal(t, ast.Path{ast.PathName("things"), ast.PathIndex(1)}, errs[0].Path)
}

// An object with no deferred field gets an empty group (nothing to
// allocate); one with a deferred field gets gqlgen's.
func TestNewDeferredGroup(t *testing.T) {
	ctx := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "x"}}})
	plain := []graphql.CollectedField{{Field: &ast.Field{Name: "name"}}}
	g := NewDeferredGroup(ctx, plain)
	assert.Nil(t, g.Defers)
	assert.Nil(t, g.FieldSet)
	assert.Equal(t, ctx, g.Context)
	deferred := append(plain, graphql.CollectedField{Field: &ast.Field{Name: "owner"}, Deferrables: []*graphql.Deferrable{{Label: "o"}}})
	g = NewDeferredGroup(ctx, deferred)
	assert.NotNil(t, g.Defers)
	assert.NotNil(t, g.FieldSet)
	assert.Equal(t, ast.Path{ast.PathName("x")}, g.Path)
}

// An object writes the JSON gqlgen's field set writes; with a deferred
// field it is gqlgen's field set.
func TestObject(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "status"}},
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "_owner2"}},
	}
	out := graphql.NewFieldSet(fields)
	out.Values[0] = graphql.MarshalString(`a "quoted" <name>`)
	out.Values[1] = graphql.MarshalInt(3)
	out.Values[2] = graphql.MarshalString("again")
	out.Values[3] = graphql.Null
	var want, got bytes.Buffer
	out.MarshalGQL(&want)
	Object(out, fields, 0).MarshalGQL(&got)
	assert.Equal(t, want.String(), got.String())
	assert.Equal(t, `{"name":"a \"quoted\" <name>","status":3,"_owner2":null}`, got.String())
	assert.Same(t, out, Object(out, fields, 1), "a deferred field keeps gqlgen's field set")

	var many []graphql.CollectedField
	for i := range 40 {
		many = append(many, graphql.CollectedField{Field: &ast.Field{Alias: fmt.Sprintf("f%d", i%30)}})
	}
	out = graphql.NewFieldSet(many)
	for i := range many {
		out.Values[i] = graphql.MarshalInt(i)
	}
	want.Reset()
	got.Reset()
	out.MarshalGQL(&want)
	Object(out, many, 0).MarshalGQL(&got)
	assert.Equal(t, want.String(), got.String(), "past 16 fields, with repeated keys")
}

// A list whose elements may wait runs every element at once (here each
// waits until all have started), with each element's path, and a panic
// nulls only its element.
func TestMarshalConcurrently(t *testing.T) {
	Register(reflect.TypeFor[root]())
	sel := selection(t, `{ things { owner { teams } } }`)
	require.True(t, mayBlock(blocking.Load(), sel))
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter,
		func(ctx context.Context, err any) error { return errors.New("internal error") })
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "things"}}})
	const n = 50
	run := func() (graphql.Array, []string) {
		var started sync.WaitGroup
		started.Add(n)
		paths := make([]string, n)
		ret := MarshalSlice(ctx, sel, n, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			paths[i] = graphql.GetFieldContext(ctx).Path().String()
			started.Done()
			done := make(chan struct{})
			go func() { started.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("element %d: the others never started", i)
			}
			if i == 7 {
				panic("boom")
			}
			return graphql.MarshalInt(i)
		})
		return ret, paths
	}
	ret, paths := run()
	for i, p := range paths {
		assert.Equal(t, fmt.Sprintf("things[%d]", i), p)
	}
	var out bytes.Buffer
	ret.MarshalGQL(&out)
	assert.Contains(t, out.String(), "[0,1,2,3,4,5,6,null,8,")
	errs := graphql.GetErrors(ctx)
	require.Len(t, errs, 1)
	assert.Equal(t, ast.Path{ast.PathName("things"), ast.PathIndex(7)}, errs[0].Path)
}
