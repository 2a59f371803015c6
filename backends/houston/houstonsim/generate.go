package houstonsim

//go:generate go run github.com/99designs/gqlgen generate
//
// Its lists are then marshalled in order, its objects skip gqlgen's @defer
// group when nothing is deferred and its plain fields the field
// interceptors (graph/execx, internal/tools/execrewrite): the simulator
// shares the machine with the gateway in every benchmark, where its
// executor's per-object cost was most of the Houston side's.
//go:generate go run -C ../../.. ./internal/tools/execrewrite -in-order backends/houston/houstonsim/generated.go
