package graph

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// deploymentReport counts every deployment the caller can reach by one key.
// A platform that fails adds an error; the other platform is still counted.
func deploymentReport(ctx context.Context, groupBy model.DeploymentReportGroup, filter *model.DeploymentFilter) (*model.DeploymentReport, error) {
	q, err := parseDeploymentQuery(ctx, filter, nil, cursors{})
	if err != nil {
		return nil, err
	}
	q.fullScan = true
	var (
		mu   sync.Mutex
		rows = map[string]*model.DeploymentReportRow{}
	)
	// Each backend counts on its own and is merged only if it finished: a
	// backend that failed half-way must not leave half its counts.
	type rowKey struct {
		key    string
		status model.DeploymentStatus
	}
	byStatus := map[rowKey]int{}
	merge := func(platform model.Platform, counts map[rowKey]int) {
		mu.Lock()
		defer mu.Unlock()
		for k, n := range counts {
			key := k.key
			byStatus[k] += n
			r := rows[key]
			if r == nil {
				r = &model.DeploymentReportRow{Key: key}
				rows[key] = r
			}
			r.Count += n
			if platform == model.PlatformAstro {
				r.Astro += n
			} else {
				r.Software += n
			}
		}
	}
	err = eachBackend(ctx, q, filter, func(mctx context.Context, m *loader.Loaders, platform model.Platform) error {
		fn := reportAstro
		if platform == model.PlatformSoftware {
			fn = reportSoftware
		}
		counts := map[rowKey]int{}
		err := fn(mctx, q, groupBy, func(key string, st model.DeploymentStatus) {
			if groupBy == model.DeploymentReportGroupBackend {
				key = m.Name()
			}
			if key == "" {
				key = "unknown"
			}
			counts[rowKey{key, st}]++
		})
		if err != nil {
			return err
		}
		merge(platform, counts)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &model.DeploymentReport{GroupBy: groupBy}
	for k, n := range byStatus {
		r := rows[k.key]
		r.ByStatus = append(r.ByStatus, &model.DeploymentStatusCount{Status: k.status, Count: n})
	}
	for _, r := range rows {
		slices.SortFunc(r.ByStatus, func(a, b *model.DeploymentStatusCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Status, b.Status))
		})
		out.Rows = append(out.Rows, r)
		out.Total += r.Count
	}
	slices.SortFunc(out.Rows, func(a, b *model.DeploymentReportRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	if out.Rows == nil {
		out.Rows = []*model.DeploymentReportRow{}
	}
	return out, nil
}

func reportAstro(ctx context.Context, q *deploymentQuery, groupBy model.DeploymentReportGroup, count func(string, model.DeploymentStatus)) error {
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return err
	}
	orgs, err := l.AstroOrganizationIDs(ctx)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		ws, ok := q.astroWorkspaces(org)
		if !ok {
			continue
		}
		ds, _, err := astroOrgDeployments(ctx, c, org, ws, q)
		if err != nil {
			return fault.Upstream(fault.Astro, err)
		}
		for _, d := range ds {
			st := astroStatus(d.Status)
			if !q.keep(d.Name, "", st) {
				continue
			}
			var key string
			switch groupBy {
			case model.DeploymentReportGroupPlatform:
				key = string(model.PlatformAstro)
			case model.DeploymentReportGroupStatus:
				key = string(st)
			case model.DeploymentReportGroupRuntimeVersion:
				key = deref(nonEmpty(d.AstroRuntimeVersion, d.RuntimeVersion))
			case model.DeploymentReportGroupAirflowVersion:
				key = d.AirflowVersion
			case model.DeploymentReportGroupWorkspace:
				key = deref(d.WorkspaceName)
			}
			count(key, st)
		}
	}
	return nil
}

func reportSoftware(ctx context.Context, q *deploymentQuery, groupBy model.DeploymentReportGroup, count func(string, model.DeploymentStatus)) error {
	sel := houston.Fields("id", "label", "status")
	if q.search != "" {
		sel = houston.With(sel, "releaseName")
	}
	switch groupBy {
	case model.DeploymentReportGroupRuntimeVersion:
		sel = houston.With(sel, "runtimeVersion")
	case model.DeploymentReportGroupAirflowVersion:
		sel = houston.With(sel, "runtimeAirflowVersion", "airflowVersion")
	case model.DeploymentReportGroupWorkspace:
		sel = houston.Merge(sel, []houston.Field{{Name: "workspace", Fields: houston.Fields("id", "label")}})
	}
	ids, none, err := softwareWorkspaceFilter(ctx, q)
	if err != nil || none {
		return err
	}
	ds, err := softwareDeploymentsOf(ctx, ids, sel)
	if err != nil {
		return err
	}
	for _, d := range ds {
		st := softwareStatus(d.Status)
		if !q.keep(deref(d.Label), deref(d.ReleaseName), st) {
			continue
		}
		var key string
		switch groupBy {
		case model.DeploymentReportGroupPlatform:
			key = string(model.PlatformSoftware)
		case model.DeploymentReportGroupStatus:
			key = string(st)
		case model.DeploymentReportGroupRuntimeVersion:
			key = deref(d.RuntimeVersion)
		case model.DeploymentReportGroupAirflowVersion:
			key = deref(d.RuntimeAirflowVersion)
			if key == "" {
				key = deref(d.AirflowVersion)
			}
		case model.DeploymentReportGroupWorkspace:
			if d.Workspace != nil {
				key = deref(d.Workspace.Label)
			}
		}
		count(key, st)
	}
	return nil
}
