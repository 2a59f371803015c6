// Package model holds the GraphQL models of the unified schema: the ones
// gqlgen generates (models_gen.go) and the few written by hand.
package model
