package loader_test

import (
	"math/rand/v2"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/graph/loader"
)

// TestAstroBatchOrder loads shuffled keys, with duplicates and unknown ids,
// in one batch: answers come back in key order, unknown ids as NotFound,
// and the whole batch costs one list call.
func TestAstroBatchOrder(t *testing.T) {
	t.Parallel()
	sim := astrosim.New(astrosim.WithDataset(astrosim.Bench))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := astro.NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	var tok, org string
	for _, k := range sim.Tokens() {
		if k.Kind == astrosim.KindOrganization {
			tok, org = k.Token, k.Scope[0]
		}
	}
	ds, _, err := c.WithToken(tok).Deployments.List(t.Context(), org, &astro.ListDeploymentsOptions{ListOptions: astro.ListOptions{Limit: 60}})
	require.NoError(t, err)

	keys := make([]loader.AstroKey, 0, 70)
	for _, d := range ds {
		keys = append(keys, loader.AstroKey{OrganizationID: org, ID: d.ID})
	}
	keys = append(keys, keys[3], keys[7], loader.AstroKey{OrganizationID: org, ID: "cnotadeployment0000000000"})
	rand.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })

	// A wide window: under -race and a loaded machine, 63 Loads can take
	// longer than a few milliseconds to enqueue.
	l := loader.New(loader.Config{Astro: c, Wait: 100 * time.Millisecond}, loader.Credentials{AstroToken: tok})
	sim.Reset()
	results, errs := l.AstroDeployment.LoadMany(t.Context(), keys)()
	require.Len(t, results, len(keys))
	for i, k := range keys {
		if k.ID == "cnotadeployment0000000000" {
			var nf *fault.NotFoundError
			require.ErrorAs(t, errs[i], &nf)
			continue
		}
		require.NoError(t, errs[i])
		assert.Equal(t, k.ID, results[i].ID, "answer %d is for its key", i)
	}
	assert.Equal(t, 1, sim.Stats().Requests, "one ListDeployments with deploymentIds: %v", sim.Stats().ByRoute)
}

func TestNoTokenNoCall(t *testing.T) {
	t.Parallel()
	c, err := astro.NewClient("http://127.0.0.1:1/v1")
	require.NoError(t, err)
	l := loader.New(loader.Config{Astro: c}, loader.Credentials{})
	_, err = l.AstroDeployment.Load(t.Context(), loader.AstroKey{OrganizationID: "o", ID: "d"})()
	require.ErrorIs(t, err, fault.ErrNoToken)
	_, err = l.SoftwareDeployment.Load(t.Context(), l.SoftwareKey("d", nil))()
	require.ErrorIs(t, err, fault.ErrNotConfigured)
}
