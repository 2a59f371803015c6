package graph

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/fault"
	"github.com/astro-gateway/gateway/internal/versions"
)

// upgradeReport compares every deployment's runtime with the newest
// runtime release of its own backend: per Astro organization, the releases
// of its deployment options (one GET per organization); per Software
// installation, its runtimeReleases (one document, on Houston versions
// that have it). A backend that fails adds an error naming it; the others
// are still reported.
func upgradeReport(ctx context.Context, filter *model.DeploymentFilter, lags []model.VersionLag) (*model.UpgradeReport, error) {
	q, err := parseDeploymentQuery(ctx, filter, nil, cursors{})
	if err != nil {
		return nil, err
	}
	q.fullScan = true
	keepLag := map[model.VersionLag]bool{}
	for _, l := range lags {
		keepLag[l] = true
	}
	l := loader.For(ctx)
	order := map[*loader.Loaders]int{}
	for i, m := range l.Members() {
		order[m] = i
	}
	type part struct {
		index    int
		platform model.Platform
		summary  *model.UpgradeSummary
		rows     []*model.UpgradeReportRow
	}
	var (
		mu    sync.Mutex
		parts []part
	)
	now := time.Now()
	err = eachBackend(ctx, q, filter, func(mctx context.Context, m *loader.Loaders, platform model.Platform) error {
		read := upgradeAstro
		if platform == model.PlatformSoftware {
			read = upgradeSoftware
		}
		rows, latest, err := read(mctx, q)
		if err != nil {
			return err
		}
		s := &model.UpgradeSummary{Backend: m.Name(), Platform: platform, LatestRuntimeVersion: latest}
		var kept []*model.UpgradeReportRow
		for _, r := range rows {
			r.Backend, r.Platform = m.Name(), platform
			if r.AirflowVersion != nil {
				if eol, ok := versions.AirflowEndOfLife(*r.AirflowVersion, now); ok {
					r.AirflowEndOfLife = &eol
				}
			}
			if len(keepLag) > 0 && !keepLag[r.Lag] {
				continue
			}
			kept = append(kept, r)
			s.Total++
			switch r.Lag {
			case model.VersionLagCurrent:
				s.Current++
			case model.VersionLagPatch:
				s.Patch++
			case model.VersionLagMinor:
				s.Minor++
			case model.VersionLagMajor:
				s.Major++
			default:
				s.Unknown++
			}
			if r.AirflowEndOfLife != nil && *r.AirflowEndOfLife {
				s.AirflowEndOfLife++
			}
		}
		mu.Lock()
		defer mu.Unlock()
		parts = append(parts, part{index: order[m], platform: platform, summary: s, rows: kept})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(parts, func(a, b part) int {
		return cmp.Or(cmp.Compare(a.index, b.index), cmp.Compare(a.platform, b.platform))
	})
	out := &model.UpgradeReport{Rows: []*model.UpgradeReportRow{}, ByBackend: []*model.UpgradeSummary{}, ByLag: []*model.UpgradeLagCount{}}
	byLag := map[model.VersionLag]int{}
	for _, p := range parts {
		slices.SortFunc(p.rows, func(a, b *model.UpgradeReportRow) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.DeploymentID, b.DeploymentID))
		})
		out.Rows = append(out.Rows, p.rows...)
		out.ByBackend = append(out.ByBackend, p.summary)
		for _, r := range p.rows {
			byLag[r.Lag]++
		}
	}
	out.Total = len(out.Rows)
	for _, lag := range model.AllVersionLag {
		if byLag[lag] > 0 {
			out.ByLag = append(out.ByLag, &model.UpgradeLagCount{Lag: lag, Count: byLag[lag]})
		}
	}
	return out, nil
}

// upgradeRow fills the version columns of a row against releases.
func upgradeRow(r *model.UpgradeReportRow, releases []string, latest versions.Version) {
	r.Lag = model.VersionLagUnknown
	if r.RuntimeVersion == nil || !latest.Valid() {
		return
	}
	v, ok := versions.ParseRuntime(*r.RuntimeVersion)
	if !ok {
		return
	}
	r.Lag = [...]model.VersionLag{model.VersionLagCurrent, model.VersionLagPatch, model.VersionLagMinor, model.VersionLagMajor}[versions.LagOf(v, latest)]
	n := versions.Behind(v, releases)
	r.ReleasesBehind = &n
}

func upgradeAstro(ctx context.Context, q *deploymentQuery) ([]*model.UpgradeReportRow, *string, error) {
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return nil, nil, err
	}
	orgs, err := l.AstroOrganizationIDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var (
		out    []*model.UpgradeReportRow
		newest versions.Version
	)
	for _, org := range orgs {
		ws, ok := q.astroWorkspaces(org)
		if !ok {
			continue
		}
		ds, _, err := astroOrgDeployments(ctx, c, org, ws, q)
		if err != nil {
			return nil, nil, fault.Upstream(fault.Astro, err)
		}
		opts, _, err := c.Options.GetDeploymentOptions(ctx, org, &astro.GetDeploymentOptionsOptions{})
		if err != nil {
			return nil, nil, fault.Upstream(fault.Astro, err)
		}
		releases := make([]string, len(opts.RuntimeReleases))
		for i, r := range opts.RuntimeReleases {
			releases[i] = r.Version
		}
		latest, _ := versions.Newest(releases)
		if latest.Valid() && (!newest.Valid() || versions.Compare(latest, newest) > 0) {
			newest = latest
		}
		for _, d := range ds {
			st := astroStatus(d.Status)
			if !q.keep(d.Name, "", st) {
				continue
			}
			r := &model.UpgradeReportRow{
				DeploymentID: encodeID(typeAstroDeployment, d.OrganizationID, d.ID), Name: d.Name, Status: st,
				WorkspaceName: d.WorkspaceName, RuntimeVersion: nonEmpty(d.AstroRuntimeVersion, d.RuntimeVersion),
			}
			if d.AirflowVersion != "" {
				r.AirflowVersion = &d.AirflowVersion
			}
			if latest.Valid() {
				s := latest.String()
				r.LatestRuntimeVersion = &s
			}
			upgradeRow(r, releases, latest)
			out = append(out, r)
		}
	}
	var latest *string
	if newest.Valid() {
		s := newest.String()
		latest = &s
	}
	return out, latest, nil
}

func upgradeSoftware(ctx context.Context, q *deploymentQuery) ([]*model.UpgradeReportRow, *string, error) {
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, nil, err
	}
	sel := houston.Merge(houston.Fields("id", "label", "status", "runtimeVersion", "runtimeAirflowVersion", "airflowVersion", "releaseName"),
		[]houston.Field{{Name: "workspace", Fields: houston.Fields("id", "label")}})
	ids, none, err := softwareWorkspaceFilter(ctx, q)
	if err != nil || none {
		return nil, nil, err
	}
	ds, err := softwareDeploymentsOf(ctx, ids, sel)
	if err != nil {
		return nil, nil, err
	}
	// The releases this installation offers: runtimeReleases exists from
	// Houston 0.29; an older one offers none to compare with.
	var releases []string
	if ver := softwareVersion(ctx); ver == "" || houston.Supports(ver, "Query", "runtimeReleases") {
		rs, err := c.RuntimeReleases(ctx, "", "", houston.Fields("version"))
		if err != nil {
			return nil, nil, fault.Upstream(fault.Houston, err)
		}
		for _, r := range rs {
			if r.Version != nil {
				releases = append(releases, *r.Version)
			}
		}
	}
	latest, _ := versions.Newest(releases)
	var latestS *string
	if latest.Valid() {
		s := latest.String()
		latestS = &s
	}
	inst := l.Installation()
	out := make([]*model.UpgradeReportRow, 0, len(ds))
	for _, d := range ds {
		st := softwareStatus(d.Status)
		if !q.keep(deref(d.Label), deref(d.ReleaseName), st) {
			continue
		}
		r := &model.UpgradeReportRow{
			DeploymentID: encodeID(typeSoftwareDeployment, inst, d.ID), Name: deref(d.Label), Status: st,
			RuntimeVersion: nonEmpty(deref(d.RuntimeVersion)), AirflowVersion: nonEmpty(deref(d.RuntimeAirflowVersion), deref(d.AirflowVersion)),
			LatestRuntimeVersion: latestS,
		}
		if d.Workspace != nil {
			r.WorkspaceName = d.Workspace.Label
		}
		upgradeRow(r, releases, latest)
		out = append(out, r)
	}
	return out, latestS, nil
}
