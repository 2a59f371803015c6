package graph

// gqlgen resolves the paths in gqlgen.yml from the working directory, so it
// runs from the repository root.
//go:generate go run -C .. github.com/99designs/gqlgen generate --config gqlgen.yml
//
// Lists are then marshalled by graph/execx (see internal/tools/execrewrite).
//go:generate go run -C .. ./internal/tools/execrewrite graph/exec/exec.go
