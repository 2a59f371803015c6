package gateway_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestDeploymentStatusSubscription watches an Astro and a Software
// deployment over SSE: first their statuses, then the change a hibernation
// override makes, with the previous status.
func TestDeploymentStatusSubscription(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{LogPollInterval: time.Second}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ astro { organizations { nodes { organizationId deployments(first: 100) { nodes { id deploymentId status isDevelopmentMode } } } } }
			deployments(first: 1, filter: {platforms: [SOFTWARE]}) { nodes { id status } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Astro struct {
				Organizations struct {
					Nodes []struct {
						OrganizationID string `json:"organizationId"`
						Deployments    struct {
							Nodes []struct {
								ID, DeploymentID, Status string
								IsDevelopmentMode        *bool
							} `json:"nodes"`
						} `json:"deployments"`
					} `json:"nodes"`
				} `json:"organizations"`
			} `json:"astro"`
			Deployments struct {
				Nodes []struct{ ID, Status string } `json:"nodes"`
			} `json:"deployments"`
		}
		r.Decode(t, &d)
		var org, astroID, astroRaw string
		for _, o := range d.Astro.Organizations.Nodes {
			for _, n := range o.Deployments.Nodes {
				if astroID == "" && n.Status == "HEALTHY" && n.IsDevelopmentMode != nil && *n.IsDevelopmentMode {
					org, astroID, astroRaw = o.OrganizationID, n.ID, n.DeploymentID
				}
			}
		}
		require.NotEmpty(t, astroID, "a healthy development deployment to hibernate")
		require.NotEmpty(t, d.Deployments.Nodes)
		softID := d.Deployments.Nodes[0].ID

		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		events, status := env.SubscribeSSE(t, ctx, `subscription($ids: [ID!]!) { deploymentStatus(deploymentIds: $ids) {
			deploymentId status previous observedAt deployment { name platform } } }`, map[string]any{"ids": []string{astroID, softID}}, env.Headers())
		require.Equal(t, 200, status)
		type event struct {
			DeploymentID string  `json:"deploymentId"`
			Status       string  `json:"status"`
			Previous     *string `json:"previous"`
			Deployment   struct{ Name, Platform string }
		}
		next := func() event {
			t.Helper()
			select {
			case ev, ok := <-events:
				require.True(t, ok, "the stream ended early")
				var body struct {
					Data struct {
						DeploymentStatus event `json:"deploymentStatus"`
					} `json:"data"`
					Errors []any `json:"errors"`
				}
				require.NoError(t, json.Unmarshal(ev.Data, &body), "%s", ev.Data)
				require.Empty(t, body.Errors)
				return body.Data.DeploymentStatus
			case <-ctx.Done():
				t.Fatal("no event in time")
			}
			return event{}
		}
		first := map[string]event{}
		for range 2 {
			ev := next()
			assert.Nil(t, ev.Previous, "a first event has no previous status")
			assert.NotEmpty(t, ev.Deployment.Name)
			first[ev.DeploymentID] = ev
		}
		require.Contains(t, first, astroID)
		require.Contains(t, first, softID)
		assert.Equal(t, "HEALTHY", first[astroID].Status)
		assert.Equal(t, "SOFTWARE", first[softID].Deployment.Platform)

		r = env.Query(t, `mutation($org: String!, $id: String!) { updateAstroDeploymentHibernationOverride(input: {organizationId: $org, deploymentId: $id, isHibernating: true}) { __typename } }`,
			map[string]any{"org": org, "id": astroRaw}, env.Headers())
		require.Empty(t, r.Errors)
		ev := next()
		assert.Equal(t, astroID, ev.DeploymentID)
		assert.Equal(t, "HIBERNATING", ev.Status)
		require.NotNil(t, ev.Previous)
		assert.Equal(t, "HEALTHY", *ev.Previous)

		// A watched deployment that goes away ends the stream with the error.
		r = env.Query(t, `mutation($org: String!, $id: String!) { deleteAstroDeployment(input: {organizationId: $org, deploymentId: $id}) { deploymentId } }`,
			map[string]any{"org": org, "id": astroRaw}, env.Headers())
		require.Empty(t, r.Errors)
		var last struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		for ev := range events {
			if ev.Name == "next" {
				require.NoError(t, json.Unmarshal(ev.Data, &last))
			}
		}
		require.NotEmpty(t, last.Errors, "the stream's last response carries the error")
		assert.Equal(t, "NOT_FOUND", last.Errors[0].Extensions["code"])
	})
}

func TestDeploymentStatusBadInput(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `subscription { deploymentStatus(deploymentIds: ["garbage"]) { status } }`, nil, env.Headers())
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
	})
}
