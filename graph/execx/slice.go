// Package execx holds what the generated executor (graph/exec) calls in
// place of gqlgen's own helpers where those cost more than a gateway's
// lists can afford. go generate rewrites the generated code to call it
// (graph/generate.go, internal/tools/execrewrite) and nothing else should.
package execx

import (
	"context"
	"io"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// blocking is the set of fields whose resolvers may wait (on a loader or an
// upstream call): "Type.field" and, for selections on an interface, the
// bare field name of any type's such field. Set once by Register.
type blockingSet struct {
	byTypeField map[string]bool
	byField     map[string]bool
}

var blocking atomic.Pointer[blockingSet]

// Register learns the resolver fields from the generated ResolverRoot
// interface type: each of its methods is named after an object type and
// returns that type's resolver interface, whose methods are named after the
// resolved fields (matched without regard to case: apiTokens, APITokens).
func Register(root reflect.Type) {
	b := &blockingSet{byTypeField: map[string]bool{}, byField: map[string]bool{}}
	for i := range root.NumMethod() {
		m := root.Method(i)
		if m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Interface {
			continue
		}
		r := m.Type.Out(0)
		for j := range r.NumMethod() {
			f := strings.ToLower(r.Method(j).Name)
			b.byTypeField[m.Name+"."+f] = true
			b.byField[f] = true
		}
	}
	blocking.Store(b)
}

// mayBlock reports whether marshalling sel may wait on a resolver: any
// field at any depth that has a resolver, or a @defer.
func mayBlock(b *blockingSet, sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			name := strings.ToLower(s.Name)
			if s.ObjectDefinition == nil || s.ObjectDefinition.Kind != ast.Object {
				if b.byField[name] {
					return true
				}
			} else if b.byTypeField[s.ObjectDefinition.Name+"."+name] {
				return true
			}
			if mayBlock(b, s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || mayBlock(b, s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil || s.Definition == nil || mayBlock(b, s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// MarshalSlice marshals the n elements of a list whose elements are
// selected by sel. gqlgen's MarshalSliceConcurrently starts a goroutine per
// element, so that elements whose resolvers wait on loaders wait together;
// a selection with no such resolver (the name and status of 2,400
// deployments) gains nothing from it and pays a goroutine, its stack's
// growth and its scheduling per element. Such lists are marshalled in
// order, on the caller's goroutine, with the same per-element field
// context and panic recovery; lists whose elements may wait keep a
// goroutine per element. Either way the elements' contexts are allocated
// together.
func MarshalSlice(ctx context.Context, sel ast.SelectionSet, n int, workerLimit int64, omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	b := blocking.Load()
	if n < 2 || workerLimit > 0 {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, marshal)
	}
	if b == nil || mayBlock(b, sel) {
		return marshalConcurrently(ctx, n, omitPanicHandler, marshal)
	}
	return MarshalSliceInOrder(ctx, n, workerLimit, omitPanicHandler, marshal)
}

// marshalConcurrently is gqlgen's MarshalSliceConcurrently (one goroutine
// per element, so that elements waiting on loaders wait together), with
// the elements' contexts allocated together; the last element runs on the
// caller's goroutine.
func marshalConcurrently(ctx context.Context, n int, omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	elems := elementContexts(ctx, n)
	var wg sync.WaitGroup
	wg.Add(n - 1)
	for i := range n {
		e := &elems[i]
		if i == n-1 {
			ret[i] = marshalOne(e, i, omitPanicHandler, marshal)
			break
		}
		go func() {
			defer wg.Done()
			ret[i] = marshalOne(e, i, omitPanicHandler, marshal)
		}()
	}
	wg.Wait()
	return ret
}

func marshalOne(ctx context.Context, i int, omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return marshal(ctx, i)
}

// MayBlock reports whether a list whose elements select sel is marshalled
// one goroutine per element (true) or in order (false).
func MayBlock(sel ast.SelectionSet) bool {
	b := blocking.Load()
	return b == nil || mayBlock(b, sel)
}

// NewDeferredGroup is graphql.NewDeferredGroup for an object whose fields
// are fields: gqlgen's executor makes one for every object it marshals,
// computing the object's path (an allocation per level) and a field set
// and a map that only a @defer'd field uses. When none of fields is
// deferred, the group is left empty: nothing but len(Defers) is read then.
func NewDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for _, f := range fields {
		if f.IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}

// MarshalSliceInOrder marshals the n elements of a list in order, on the
// caller's goroutine, like MarshalSlice's in-order path: for an executor
// none of whose resolvers waits on another's (the Houston simulator's,
// whose resolvers read memory and batch nothing), where a goroutine per
// element is pure cost.
//
// The elements' contexts, each holding its field context (the element's
// index, for paths in errors), are allocated together: gqlgen allocates a
// field context, its index and a context value per element.
func MarshalSliceInOrder(ctx context.Context, n int, _ int64, omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	elems := elementContexts(ctx, n)
	for i := range n {
		ret[i] = marshalOne(&elems[i], i, omitPanicHandler, marshal)
	}
	return ret
}

// elementContexts are the contexts of a list's n elements, in one
// allocation: ctx's, each with the field context gqlgen gives an element
// (its index, under ctx's field context).
func elementContexts(ctx context.Context, n int) []elementContext {
	parent := graphql.GetFieldContext(ctx)
	elems := make([]elementContext, n)
	for i := range elems {
		e := &elems[i]
		e.Context, e.index = ctx, i
		e.fc.Index, e.fc.Parent = &e.index, parent
	}
	return elems
}

// elementContext is the context of a list's element: its parent's, with
// the element's field context, as graphql.WithFieldContext makes it.
type elementContext struct {
	context.Context
	fc    graphql.FieldContext
	index int
}

// Value answers the field context's key with the element's field context
// and every other key as the parent does.
func (c *elementContext) Value(key any) any {
	if key == fieldContextKey {
		return &c.fc
	}
	return c.Context.Value(key)
}

// fieldContextKey is the key gqlgen keeps a field context under
// (unexported there), learned by asking graphql.GetFieldContext once.
var fieldContextKey = func() any {
	var p keyProbe
	graphql.GetFieldContext(&p)
	return p.key
}()

// keyProbe records the key its Value is asked for.
type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

// Object is what the generated executor returns for an object whose fields
// were resolved into out: out itself when some field is deferred (gqlgen's
// incremental delivery works on its field set), otherwise a marshaller
// that writes the same JSON object. gqlgen's FieldSet.MarshalGQL allocates,
// for every object, a map of the keys written, an iterator, and a copy of
// each field; this writes the keys straight from the collected fields.
// CollectFields merges repeated keys except where two fragments select the
// same key on unrelated types; such a key is written once, its first, as
// gqlgen does (scanning the keys before it, or with a map past 16 fields).
func Object(out *graphql.FieldSet, fields []graphql.CollectedField, deferred int) graphql.Marshaler {
	if deferred > 0 || len(out.Values) != len(fields) {
		return out
	}
	return &object{fields: fields, values: out.Values}
}

type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

func (o *object) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	first := true
	var written map[string]bool // for large objects; small ones are scanned
	if len(o.fields) > 16 {
		written = make(map[string]bool, len(o.fields))
	}
	for i := range o.fields {
		alias := o.fields[i].Alias
		if written != nil {
			if written[alias] {
				continue
			}
			written[alias] = true
		} else if repeated(o.fields[:i], alias) {
			continue
		}
		if first {
			_, _ = io.WriteString(w, `"`)
			first = false
		} else {
			_, _ = io.WriteString(w, `,"`)
		}
		// A response key is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*):
		// nothing in it needs escaping.
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		if v := o.values[i]; v != nil {
			v.MarshalGQL(w)
		} else {
			graphql.Null.MarshalGQL(w)
		}
	}
	_, _ = io.WriteString(w, "}")
}

// repeated reports whether a field before these has the key alias.
func repeated(before []graphql.CollectedField, alias string) bool {
	for j := range before {
		if before[j].Alias == alias {
			return true
		}
	}
	return false
}
