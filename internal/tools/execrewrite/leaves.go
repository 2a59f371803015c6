package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// neverNull are gqlgen's marshallers of built-in scalars that return a
// value for every input (never graphql.Null), so that the "null from a
// marshaller" branch of gqlgen's marshalN… functions, the only place those
// read the field context, is dead for them.
var neverNull = []string{"MarshalString", "MarshalID", "MarshalInt", "MarshalInt32", "MarshalInt64", "MarshalBoolean", "MarshalFloat"}

// plainLeaves rewrites the generated function of every plain leaf — a
// field read from a struct field of the model (no resolver, no method, no
// directive), of a scalar or enum type whose marshaller never reads the
// context for the value it is given — to marshal the struct field directly:
//
//	func (ec *executionContext) _T_f(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
//		return ec.marshalNString2string(ctx, field.Selections, obj.F)
//	}
//
// gqlgen builds for each such field, of each object, a field context (two
// allocations: it and a closure), a context value, three closures, and
// boxes the value in an interface, only to read a struct field and hand it
// to the marshaller. Nothing reads that field context: not the field
// interceptors (execx.ResolveField already skips them for plain leaves),
// not the marshaller (checked here, from its body), and no error can arise
// on the way (reading a field of an object the caller checked for nil,
// marshalling a value that cannot be null). It returns src rewritten and
// how many fields were.
func plainLeaves(src []byte) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, err
	}
	methods := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Body != nil {
			methods[fn.Name.Name] = fn
		}
	}
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	for _, fn := range methods {
		if !strings.HasPrefix(fn.Name.Name, "_") {
			continue
		}
		marshal, value, ok := plainLeaf(fn, methods, src, fset)
		if !ok {
			continue
		}
		edits = append(edits, edit{
			from: fset.Position(fn.Body.Lbrace).Offset,
			to:   fset.Position(fn.Body.Rbrace).Offset + 1,
			text: "{\n\treturn ec." + marshal + "(ctx, field.Selections, " + value + ")\n}",
		})
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
	out := bytes.Clone(src)
	for _, e := range edits {
		out = append(out[:e.from:e.from], append([]byte(e.text), out[e.to:]...)...)
	}
	return out, len(edits), nil
}

// plainLeaf reports whether fn is the generated function of a plain leaf,
// and if so the marshaller it calls and the expression of the value (the
// struct field).
func plainLeaf(fn *ast.FuncDecl, methods map[string]*ast.FuncDecl, src []byte, fset *token.FileSet) (marshal, value string, ok bool) {
	call, ok := onlyReturn(fn.Body)
	if !ok || len(call) != 1 {
		return "", "", false
	}
	c, ok := call[0].(*ast.CallExpr)
	if !ok || !isSelector(c.Fun, "execx", "ResolveField") || len(c.Args) != 9 {
		return "", "", false
	}
	// Args: ctx, oc, field, fieldContext, resolver, middleware, marshal, recover, nonNull.
	if id, ok := c.Args[5].(*ast.Ident); !ok || id.Name != "nil" {
		return "", "", false // directives wrap the resolver
	}
	fcName, ok := callsMethod(c.Args[3])
	if !ok || !plainFieldContext(methods[fcName]) {
		return "", "", false
	}
	res, ok := c.Args[4].(*ast.FuncLit)
	if !ok {
		return "", "", false
	}
	rs, ok := onlyReturn(res.Body)
	if !ok || len(rs) != 2 || !structField(rs[0]) {
		return "", "", false
	}
	if id, ok := rs[1].(*ast.Ident); !ok || id.Name != "nil" {
		return "", "", false
	}
	marshal, ok = callsMethod(c.Args[6])
	if !ok || !ignoresContext(methods[marshal]) {
		return "", "", false
	}
	from, to := fset.Position(rs[0].Pos()).Offset, fset.Position(rs[0].End()).Offset
	return marshal, string(src[from:to]), true
}

// onlyReturn is the results of a body made of one return statement.
func onlyReturn(b *ast.BlockStmt) ([]ast.Expr, bool) {
	if b == nil || len(b.List) != 1 {
		return nil, false
	}
	r, ok := b.List[0].(*ast.ReturnStmt)
	if !ok {
		return nil, false
	}
	return r.Results, true
}

// callsMethod is the name of the ec method a function literal's one return
// statement calls: func(...) … { return ec.name(...) }.
func callsMethod(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.FuncLit)
	if !ok {
		return "", false
	}
	rs, ok := onlyReturn(lit.Body)
	if !ok || len(rs) != 1 {
		return "", false
	}
	c, ok := rs[0].(*ast.CallExpr)
	if !ok {
		return "", false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "ec" {
		return "", false
	}
	return sel.Sel.Name, true
}

// plainFieldContext reports whether fn makes the field context of a scalar
// or enum field that is neither a method nor a resolver:
// return graphql.NewScalarFieldContext(object, field, false, false, type).
func plainFieldContext(fn *ast.FuncDecl) bool {
	if fn == nil {
		return false
	}
	rs, ok := onlyReturn(fn.Body)
	if !ok || len(rs) != 1 {
		return false
	}
	c, ok := rs[0].(*ast.CallExpr)
	if !ok || !isSelector(c.Fun, "graphql", "NewScalarFieldContext") || len(c.Args) != 5 {
		return false
	}
	for _, a := range c.Args[2:4] {
		if id, ok := a.(*ast.Ident); !ok || id.Name != "false" {
			return false
		}
	}
	return true
}

// structField reports whether e reads a field of obj: obj.F, obj.A.F.
func structField(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			e = x.X
		case *ast.Ident:
			return x.Name == "obj"
		default:
			return false
		}
	}
}

// ignoresContext reports whether a marshaller never reads its context for
// a value it is given: it names ctx only in "_ = ctx" or in the
// "res == graphql.Null" branch after res := graphql.MarshalX(…) of a
// marshaller in neverNull. (A marshaller that checks a pointer for nil
// reports the null on the field's path, through the context: not taken.)
func ignoresContext(fn *ast.FuncDecl) bool {
	if fn == nil || !strings.HasPrefix(fn.Name.Name, "marshal") {
		return false
	}
	safe := true
	var dead *ast.BlockStmt // the unreachable "res == graphql.Null" branch
	for _, s := range fn.Body.List {
		if a, ok := s.(*ast.AssignStmt); ok && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			if l, ok := a.Lhs[0].(*ast.Ident); !ok || l.Name != "res" {
				continue
			}
			if c, ok := a.Rhs[0].(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && isSelector(sel, "graphql", sel.Sel.Name) && slices.Contains(neverNull, sel.Sel.Name) {
					dead = findNullBranch(fn.Body)
				}
			}
		}
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			if n == dead {
				return false
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if l, ok := n.Lhs[0].(*ast.Ident); ok && l.Name == "_" {
					if r, ok := n.Rhs[0].(*ast.Ident); ok && r.Name == "ctx" {
						return false
					}
				}
			}
		case *ast.Ident:
			if n.Name == "ctx" {
				safe = false
			}
		}
		return safe
	})
	return safe
}

// findNullBranch is the body of "if res == graphql.Null { … }" in b.
func findNullBranch(b *ast.BlockStmt) *ast.BlockStmt {
	for _, s := range b.List {
		i, ok := s.(*ast.IfStmt)
		if !ok || i.Init != nil || i.Else != nil {
			continue
		}
		c, ok := i.Cond.(*ast.BinaryExpr)
		if !ok || c.Op != token.EQL {
			continue
		}
		if l, ok := c.X.(*ast.Ident); ok && l.Name == "res" && isSelector(c.Y, "graphql", "Null") {
			return i.Body
		}
	}
	return nil
}

func isSelector(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}
