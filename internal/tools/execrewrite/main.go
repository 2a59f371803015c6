// Command execrewrite rewrites gqlgen's generated executor where gqlgen's
// helpers cost more than a gateway's lists can afford (gqlgen offers no
// option for any of these), pointing it at graph/execx:
//
//   - lists are marshalled by execx.MarshalSlice: in order when nothing in
//     the elements can wait (gqlgen starts a goroutine per element whatever
//     the elements select), their elements' contexts allocated together;
//   - objects make their @defer group with execx.NewDeferredGroup, which
//     builds nothing when no field is deferred;
//   - an object with no deferred field is written by execx.Object rather
//     than by gqlgen's field set;
//   - fields resolve through execx.ResolveField, which reads a plain struct
//     field without the field interceptors, and a plain leaf (a scalar
//     struct field whose marshaller never reads the context, see
//     plainLeaves) is marshalled directly.
//
// It runs from graph/generate.go right after gqlgen; its output is
// deterministic, so the committed code stays what go generate produces.
//
//	go run ./internal/tools/execrewrite graph/exec/exec.go
//	go run ./internal/tools/execrewrite -in-order backends/houston/houstonsim/generated.go
//
// The Houston simulator's executor takes -in-order: its resolvers read
// memory and batch nothing, so it marshals every list in order.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// rewrites are the calls replaced, each with its replacement.
var rewrites = [][2]string{
	{sliceCall, "execx.MarshalSlice(ctx, sel, len(v), "},
	{"deferred := graphql.NewDeferredGroup(ctx)\n", "deferred := execx.NewDeferredGroup(ctx, fields)\n"},
	{"return graphql.ResolveField(\n", "return execx.ResolveField(\n"},
	{objectReturn, "\t\tec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn execx.Object(out, fields, len(deferred.Defers))\n}\n"},
}

const (
	objectReturn = "\t\tec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn out\n}\n"
	sliceCall    = "graphql.MarshalSliceConcurrently(ctx, len(v), "
	// inOrder marshals every list in order (flag -in-order), for an
	// executor whose resolvers never wait on one another.
	inOrder = "execx.MarshalSliceInOrder(ctx, len(v), "
	anchor  = "\t\"github.com/99designs/gqlgen/graphql\"\n"
	imp     = "\t\"github.com/astro-gateway/gateway/graph/execx\"\n" + anchor
)

func main() {
	args := os.Args[1:]
	if len(args) == 2 && args[0] == "-in-order" {
		rewrites[0][1] = inOrder
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: execrewrite [-in-order] FILE")
		os.Exit(2)
	}
	if err := rewrite(args[0]); err != nil {
		fmt.Fprintln(os.Stderr, "execrewrite:", err)
		os.Exit(1)
	}
}

func rewrite(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if bytes.Contains(src, []byte("graph/execx\"")) {
		return nil // already rewritten
	}
	for _, r := range rewrites {
		if !bytes.Contains(src, []byte(r[0])) {
			return fmt.Errorf("%s: no %q: has gqlgen's template changed?", path, r[0])
		}
		src = bytes.ReplaceAll(src, []byte(r[0]), []byte(r[1]))
	}
	if !bytes.Contains(src, []byte(anchor)) {
		return fmt.Errorf("%s: no import of gqlgen's graphql package to put graph/execx beside", path)
	}
	src = bytes.Replace(src, []byte(anchor), []byte(imp), 1)
	if src, _, err = plainLeaves(src); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: the rewritten code does not parse: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
