//go:build tools

// Package tools pins the code generators and linters the build uses, so that
// `go run` of each resolves to the version in go.mod.
package main

import (
	_ "github.com/99designs/gqlgen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
