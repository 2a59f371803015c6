package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The benchmarks' and the dashboard's selections on listed Astro
// deployments are answered by summaries; one field a summary lacks, even in
// a fragment, reads the deployments whole.
func TestAstroSummaryOnly(t *testing.T) {
	for query, want := range map[string]bool{
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name status workspace { name description } cluster { name region } } } } } }`: true,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { id __typename runtimeVersion createdAt backend } } } } }`:                     true,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name schedulerCpu } } } } }`:                                                  false,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name ... on AstroDeployment { workerQueues { name } } } } } } }`:              false,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { ...D } } } } } fragment D on AstroDeployment { name createdBy { id } }`:       false,
	} {
		opCtx, sel := selectionAt(t, query, "astro", "organization", "deployments", "nodes")
		assert.Equal(t, want, astroSummaryOnly(opCtx, sel), query)
	}
}
