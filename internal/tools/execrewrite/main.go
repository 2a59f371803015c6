// Command execrewrite rewrites gqlgen's generated executor so that lists
// are marshalled by graph/execx.MarshalSlice rather than by gqlgen's
// MarshalSliceConcurrently, which starts a goroutine per element whatever
// the elements select; objects make their @defer group with
// graph/execx.NewDeferredGroup, which builds nothing when no field is
// deferred; and fields resolve through graph/execx.ResolveField, which
// reads a plain struct field without the field interceptors (gqlgen offers
// no option for any of these). It runs from
// graph/generate.go right after gqlgen; its output is deterministic, so
// the committed code stays what go generate produces.
//
//	go run ./internal/tools/execrewrite graph/exec/exec.go
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// rewrites are the calls replaced, each with its replacement.
var rewrites = [][2]string{
	{"graphql.MarshalSliceConcurrently(ctx, len(v), ", "execx.MarshalSlice(ctx, sel, len(v), "},
	{"deferred := graphql.NewDeferredGroup(ctx)\n", "deferred := execx.NewDeferredGroup(ctx, fields)\n"},
	{"return graphql.ResolveField(\n", "return execx.ResolveField(\n"},
}

const (
	anchor = "\t\"github.com/astro-gateway/gateway/graph/model\"\n"
	imp    = "\t\"github.com/astro-gateway/gateway/graph/execx\"\n" + anchor
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: execrewrite FILE")
		os.Exit(2)
	}
	if err := rewrite(os.Args[1]); err != nil {
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
		return fmt.Errorf("%s: no import of graph/model to put graph/execx beside", path)
	}
	src = bytes.Replace(src, []byte(anchor), []byte(imp), 1)
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: the rewritten code does not parse: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
