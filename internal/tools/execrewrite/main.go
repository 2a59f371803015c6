// Command execrewrite rewrites gqlgen's generated executor so that lists
// are marshalled by graph/execx.MarshalSlice rather than by gqlgen's
// MarshalSliceConcurrently, which starts a goroutine per element whatever
// the elements select (gqlgen offers no option for it). It runs from
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

const (
	from   = "graphql.MarshalSliceConcurrently(ctx, len(v), "
	to     = "execx.MarshalSlice(ctx, sel, len(v), "
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
	n := bytes.Count(src, []byte(from))
	if n == 0 {
		if bytes.Contains(src, []byte(to)) {
			return nil // already rewritten
		}
		return fmt.Errorf("%s: no %q: has gqlgen's template changed?", path, from)
	}
	src = bytes.ReplaceAll(src, []byte(from), []byte(to))
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
