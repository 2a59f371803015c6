package graph

// Resolver holds the gateway's dependencies; one per server, shared by every
// request. Per-request state lives in the loaders (see graph/loader).
type Resolver struct{}
