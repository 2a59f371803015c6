package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/testenv"
)

func ptr[T any](v T) *T { return &v }

// TestRetriesAgainstSimulatorFaults turns the simulator's fault knob up at
// run time: reads are retried (3 attempts) and then fail with
// UPSTREAM_ERROR; a create is sent once, never retried, since it may have
// been made; with the faults off again everything works.
func TestRetriesAgainstSimulatorFaults(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true, Configure: func(c *config.Config) { c.CacheTTL = 0 }}, func(t *testing.T, env *testenv.Env) {
		org := env.Astro.Tokens()[0].Scope[0]
		_, err := env.Astro.Configure(astrosim.ConfigUpdate{FailRate: ptr(1.0)})
		require.NoError(t, err)

		env.Astro.Reset()
		r := env.Query(t, `query($org: String!) { astro { organization(id: $org) { workspaces { totalCount } } } }`, map[string]any{"org": org}, env.Headers())
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "UPSTREAM_ERROR", r.Errors[0].Extensions["code"])
		assert.EqualValues(t, 500, r.Errors[0].Extensions["status"])
		assert.Equal(t, 3, env.Astro.Stats().Requests, "a read is tried three times")

		// A create through the same transport chain is sent once.
		c, _, err := gateway.NewBackends(gateway.BackendOptions{AstroURL: env.AstroURL})
		require.NoError(t, err)
		env.Astro.Reset()
		_, _, err = c.WithToken(env.AstroToken).Workspaces.Create(t.Context(), org, &astro.CreateWorkspaceRequest{Name: "retry-probe"})
		require.Error(t, err)
		assert.Equal(t, 1, env.Astro.Stats().Requests, "a create that may have been made is not retried")

		_, err = env.Astro.Configure(astrosim.ConfigUpdate{FailRate: ptr(0.0)})
		require.NoError(t, err)
		r = env.Query(t, `query($org: String!) { astro { organization(id: $org) { workspaces { totalCount } } } }`, map[string]any{"org": org}, env.Headers())
		require.Empty(t, r.Errors)
	})
}
