package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestDeploymentReport checks the report's counts against the deployments
// listed one by one, for each grouping, and that a filter applies.
func TestDeploymentReport(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		all := collectAll(t, env, env.Headers(), `{}`)
		byStatus := map[string][2]int{}
		for _, n := range all {
			c := byStatus[n.Status]
			if n.Platform == "ASTRO" {
				c[0]++
			} else {
				c[1]++
			}
			byStatus[n.Status] = c
		}
		type row struct {
			Key      string `json:"key"`
			Count    int    `json:"count"`
			Astro    int    `json:"astro"`
			Software int    `json:"software"`
		}
		report := func(groupBy, filter string) (int, []row) {
			r := env.Query(t, `query($g: DeploymentReportGroup!) { deploymentReport(groupBy: $g, filter: `+filter+`) { total rows { key count astro software } } }`,
				map[string]any{"g": groupBy}, env.Headers())
			require.Empty(t, r.Errors)
			var d struct {
				DeploymentReport struct {
					Total int   `json:"total"`
					Rows  []row `json:"rows"`
				} `json:"deploymentReport"`
			}
			r.Decode(t, &d)
			return d.DeploymentReport.Total, d.DeploymentReport.Rows
		}
		for _, g := range []string{"PLATFORM", "STATUS", "RUNTIME_VERSION", "AIRFLOW_VERSION", "WORKSPACE"} {
			total, rows := report(g, "{}")
			assert.Equal(t, len(all), total, g)
			sum := 0
			for i, r := range rows {
				assert.Equal(t, r.Count, r.Astro+r.Software, "%s %s", g, r.Key)
				sum += r.Count
				if i > 0 {
					assert.GreaterOrEqual(t, rows[i-1].Count, r.Count, "largest groups first")
				}
			}
			assert.Equal(t, total, sum, g)
		}
		_, rows := report("STATUS", "{}")
		got := map[string][2]int{}
		for _, r := range rows {
			got[r.Key] = [2]int{r.Astro, r.Software}
		}
		assert.Equal(t, byStatus, got, "status counts agree with the listed deployments")

		total, rows := report("PLATFORM", `{platforms: [SOFTWARE]}`)
		require.Len(t, rows, 1)
		assert.Equal(t, "SOFTWARE", rows[0].Key)
		assert.Equal(t, byStatusTotal(byStatus, 1), total)
	})
}

func byStatusTotal(m map[string][2]int, platform int) int {
	n := 0
	for _, c := range m {
		n += c[platform]
	}
	return n
}
