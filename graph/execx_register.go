package graph

import (
	"reflect"

	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/graph/execx"
)

// The executor marshals lists in order when no field of their elements'
// selection has a resolver that could wait (graph/execx).
func init() { execx.Register(reflect.TypeFor[exec.ResolverRoot]()) }
