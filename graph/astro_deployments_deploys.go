package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// What hangs off a deployment: its deploys, logs, agent tokens and
// hibernation override.

func astroDeploys(ctx context.Context, d *model.AstroDeployment, pg cursors) (*model.AstroDeployConnection, error) {
	org := d.OrganizationID
	return astroConnection(ctx, pg, nil, func(c *astro.Client, lo astro.ListOptions) ([]*astro.Deploy, *astro.Response, error) {
		return c.Deploys.List(ctx, org, d.DeploymentID, &astro.ListDeploysOptions{Offset: lo.Offset, Limit: lo.Limit})
	}, func(dp *astro.Deploy) *model.AstroDeploy { return convertAstroDeploy(org, dp) }, astroDeployConnection)
}

func astroDeploy(ctx context.Context, org, deployment, id string) (*model.AstroDeploy, error) {
	return loadAstro(ctx, loader.For(ctx).AstroDeploy, loader.AstroChildKey{OrganizationID: org, ParentID: deployment, ID: id}, func(d *astro.Deploy) *model.AstroDeploy {
		return convertAstroDeploy(org, d)
	})
}

func astroAgentTokens(ctx context.Context, d *model.AstroDeployment, sorts []model.AstroAgentTokenSort, pg cursors) (*model.AstroAgentTokenConnection, error) {
	org, dep := d.OrganizationID, d.DeploymentID
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.APIToken, *astro.Response, error) {
		return c.AgentTokens.List(ctx, org, dep, &astro.ListAgentTokensOptions{ListOptions: lo})
	}, func(t *astro.APIToken) *model.AstroAgentToken { return convertAstroAgentToken(org, dep, t) }, astroAgentTokenConnection)
}

func astroAgentToken(ctx context.Context, org, deployment, id string) (*model.AstroAgentToken, error) {
	return loadAstro(ctx, loader.For(ctx).AstroAgentToken, loader.AstroChildKey{OrganizationID: org, ParentID: deployment, ID: id}, func(t *astro.APIToken) *model.AstroAgentToken {
		return convertAstroAgentToken(org, deployment, t)
	})
}

// logArgs are a deployment's logs field arguments.
type logArgs struct {
	sources            []model.AstroLogSource
	searchText         *string
	rng, maxNumResults *int
	startDate, endDate *time.Time
	first, last        *int
	after, before      *string
}

// Log cursors carry Astro's searchId with the offset, so that every page of
// a search reads the same window: base64url("log:<searchId>:<offset>").
func encodeLogCursor(searchID string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("log:" + searchID + ":" + strconv.Itoa(offset)))
}

func decodeLogCursor(c string) (searchID string, next int, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, false
	}
	rest, found := strings.CutPrefix(string(raw), "log:")
	i := strings.LastIndexByte(rest, ':')
	if !found || i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n < 0 || n >= maxCursorOffset {
		// The bound keeps n+1 (and offsets past it) from overflowing.
		return "", 0, false
	}
	return rest[:i], n + 1, true
}

// logWindow reads the paging arguments of a log search: the searchId to
// reuse (none for a new search), the offset and the number of lines. A
// search has no known end, so last needs before; before and after must be
// cursors of the same search.
func logWindow(c *check, a logArgs) (searchID string, offset, limit int) {
	c.exclusive("", "first", "last", a.first != nil, a.last != nil)
	limit = astroLogPageSize
	if a.first != nil {
		limit = *a.first
	}
	c.between("first", limit, 1, maxPageSize)
	if a.last != nil {
		c.between("last", *a.last, 1, maxPageSize)
	}
	if a.after != nil && *a.after != "" {
		id, next, ok := decodeLogCursor(*a.after)
		if !ok {
			c.fail("after", "%q is not a cursor of these logs", *a.after)
		}
		searchID, offset = id, next
	}
	if a.before == nil || *a.before == "" {
		if a.last != nil {
			c.fail("last", "needs before: a log search has no known end (page forward with first/after, then back with last/before)")
		}
		return searchID, offset, limit
	}
	id, next, ok := decodeLogCursor(*a.before)
	if !ok {
		c.fail("before", "%q is not a cursor of these logs", *a.before)
		return searchID, offset, limit
	}
	if searchID != "" && id != searchID {
		c.fail("before", "after and before are cursors of different searches")
	}
	end := max(next-1, offset)
	if a.last != nil {
		start := max(offset, end-*a.last)
		return id, start, end - start
	}
	return id, offset, min(limit, end-offset)
}

func astroDeploymentLogs(ctx context.Context, d *model.AstroDeployment, a logArgs) (*model.AstroDeploymentLogConnection, error) {
	var c check
	c.items("sources", len(a.sources), 1, -1)
	searchID, offset, limit := logWindow(&c, a)
	c.betweenPtr("range", a.rng, 60, 15*24*3600)
	c.betweenPtr("maxNumResults", a.maxNumResults, 1, 1<<30)
	c.together("", "startDate", "endDate", a.startDate != nil, a.endDate != nil)
	c.exclusive("", "range", "startDate/endDate", a.rng != nil, a.startDate != nil)
	if a.startDate != nil && a.endDate != nil && !a.endDate.After(*a.startDate) {
		c.fail("endDate", "must be after startDate")
	}
	opts := &astro.GetDeploymentLogsOptions{Limit: limit, SearchText: deref(a.searchText), MaxNumResults: deref(a.maxNumResults)}
	for _, s := range a.sources {
		opts.Sources = append(opts.Sources, astroLogSource(s))
	}
	if searchID != "" {
		opts.SearchID, opts.Offset = searchID, offset
	} else {
		opts.Range, opts.StartDate, opts.EndDate = deref(a.rng), a.startDate, a.endDate
	}
	if err := c.result(); err != nil {
		return nil, err
	}
	cl, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		// before the search's first line: nothing to read.
		return &model.AstroDeploymentLogConnection{SearchID: searchID, PageInfo: &model.PageInfo{HasNextPage: true},
			Edges: []*model.AstroLogEdge{}, Nodes: []*model.AstroLogEntry{}}, nil
	}
	page, _, err := cl.Deployments.GetLogs(ctx, d.OrganizationID, d.DeploymentID, opts)
	if err != nil {
		return nil, astroFail(err)
	}
	out := &model.AstroDeploymentLogConnection{
		SearchID: page.SearchID, MaxNumResults: page.MaxNumResults,
		Edges: make([]*model.AstroLogEdge, len(page.Results)), Nodes: make([]*model.AstroLogEntry, len(page.Results)),
	}
	for i, e := range page.Results {
		out.Nodes[i] = convertAstroLogEntry(e)
		out.Edges[i] = &model.AstroLogEdge{Cursor: encodeLogCursor(page.SearchID, opts.Offset+i), Node: out.Nodes[i]}
	}
	n := len(page.Results)
	backward := a.before != nil && *a.before != ""
	out.PageInfo = &model.PageInfo{
		HasPreviousPage: opts.Offset > 0,
		// Paging back with before, the line at before comes next.
		HasNextPage: backward || n == limit && (page.MaxNumResults == 0 || opts.Offset+n < page.MaxNumResults),
	}
	if n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &out.Edges[0].Cursor, &out.Edges[n-1].Cursor
	}
	return out, nil
}

// deploymentKey is the loader key of a deployment, whose cached copy a
// write under it makes stale.
func deploymentKey(org, id string) loader.AstroKey {
	return loader.AstroKey{OrganizationID: org, ID: id}
}

// freshDeployment drops the request's copy of a deployment after a write
// under it and reads it again when the payload asks for it.
func freshDeployment(ctx context.Context, l *loader.Loaders, org, id string) (*model.AstroDeployment, error) {
	loader.Forget(ctx, l.AstroDeployment, deploymentKey(org, id))
	if !wants(ctx, "deployment") {
		return nil, nil
	}
	return astroDeployment(ctx, org, id)
}

func updateAstroDeploymentHibernationOverride(ctx context.Context, in model.UpdateAstroDeploymentHibernationOverrideInput) (*model.UpdateAstroDeploymentHibernationOverridePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	o, _, err := cl.Deployments.UpdateHibernationOverride(ctx, in.OrganizationID, in.DeploymentID, &astro.OverrideDeploymentHibernationBody{
		IsHibernating: &in.IsHibernating, OverrideUntil: in.OverrideUntil,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	d, err := freshDeployment(ctx, l, in.OrganizationID, in.DeploymentID)
	if err != nil {
		return nil, err
	}
	return &model.UpdateAstroDeploymentHibernationOverridePayload{Override: convertAstroHibernationOverride(o), Deployment: d}, nil
}

func deleteAstroDeploymentHibernationOverride(ctx context.Context, in model.DeleteAstroDeploymentHibernationOverrideInput) (*model.DeleteAstroDeploymentHibernationOverridePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Deployments.DeleteHibernationOverride(ctx, in.OrganizationID, in.DeploymentID); err != nil {
		return nil, astroFail(err)
	}
	d, err := freshDeployment(ctx, l, in.OrganizationID, in.DeploymentID)
	if err != nil {
		return nil, err
	}
	return &model.DeleteAstroDeploymentHibernationOverridePayload{DeploymentID: in.DeploymentID, Deployment: d}, nil
}

func createAstroDeploy(ctx context.Context, in model.CreateAstroDeployInput) (*model.CreateAstroDeployPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	c.maxLenPtr("input.description", in.Description, 500)
	if in.Type == model.AstroDeployTypeBundle {
		c.needs("input.bundleType", hasStr(in.BundleType), "for a BUNDLE deploy")
		c.needs("input.bundleMountPath", hasStr(in.BundleMountPath), "for a BUNDLE deploy")
	} else {
		c.forbidden("input.bundleType", in.BundleType != nil, "for a "+string(in.Type)+" deploy: BUNDLE only")
		c.forbidden("input.bundleMountPath", in.BundleMountPath != nil, "for a "+string(in.Type)+" deploy: BUNDLE only")
	}
	req := &astro.CreateDeployRequest{Type: astro.DeployType(in.Type), Description: in.Description, BundleType: in.BundleType, BundleMountPath: in.BundleMountPath}
	if g := in.Git; g != nil {
		c.required("input.git.commitSha", g.CommitSha)
		if g.Provider == model.AstroGitProviderGithub {
			c.needs("input.git.account", hasStr(g.Account), "for GITHUB")
			c.needs("input.git.repo", hasStr(g.Repo), "for GITHUB")
			c.forbidden("input.git.remoteUrl", g.RemoteURL != nil, "for GITHUB: GENERIC only")
		} else {
			c.needs("input.git.remoteUrl", hasStr(g.RemoteURL), "for GENERIC")
			c.forbidden("input.git.account", g.Account != nil, "for GENERIC: GITHUB only")
			c.forbidden("input.git.repo", g.Repo != nil, "for GENERIC: GITHUB only")
		}
		req.Git = &astro.CreateDeployGitRequest{
			Provider: astro.GitProvider(g.Provider), CommitSha: g.CommitSha, Account: g.Account, Repo: g.Repo, RemoteURL: g.RemoteURL,
			Branch: g.Branch, Path: g.Path, CommitURL: g.CommitURL, AuthorName: g.AuthorName, AuthorUsername: g.AuthorUsername,
			AuthorURL: g.AuthorURL, BeforeCommitSha: g.BeforeCommitSha,
		}
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	d, err := once(ctx, "astro", "createAstroDeploy", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Deploy, error) {
		return astroCreate(ctx, "deploy", uncertain, func(ctx context.Context) (*astro.Deploy, error) {
			v, _, err := cl.Deploys.Create(ctx, in.OrganizationID, in.DeploymentID, req)
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateAstroDeployPayload{ClientMutationID: in.ClientMutationID, Deploy: refreshDeploy(ctx, l, in.OrganizationID, d)}, nil
}

// refreshDeploy records a deploy a write returned, and forgets its
// deployment, whose image and DAG versions follow its deploys.
func refreshDeploy(ctx context.Context, l *loader.Loaders, org string, d *astro.Deploy) *model.AstroDeploy {
	loader.Refresh(ctx, l.AstroDeploy, loader.AstroChildKey{OrganizationID: org, ParentID: d.DeploymentID, ID: d.ID}, d)
	loader.Forget(ctx, l.AstroDeployment, deploymentKey(org, d.DeploymentID))
	return convertAstroDeploy(org, d)
}

func deployIDs(c *check, org, deployment, deploy string) {
	c.id("input.organizationId", org)
	c.id("input.deploymentId", deployment)
	c.id("input.deployId", deploy)
}

func updateAstroDeploy(ctx context.Context, in model.UpdateAstroDeployInput) (*model.UpdateAstroDeployPayload, error) {
	var c check
	deployIDs(&c, in.OrganizationID, in.DeploymentID, in.DeployID)
	c.maxLenPtr("input.description", in.Description, 500)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	d, _, err := cl.Deploys.Update(ctx, in.OrganizationID, in.DeploymentID, in.DeployID, &astro.UpdateDeployRequest{Description: in.Description})
	if err != nil {
		return nil, astroFail(err)
	}
	return &model.UpdateAstroDeployPayload{Deploy: refreshDeploy(ctx, l, in.OrganizationID, d)}, nil
}

func finalizeAstroDeploy(ctx context.Context, in model.FinalizeAstroDeployInput) (*model.FinalizeAstroDeployPayload, error) {
	var c check
	deployIDs(&c, in.OrganizationID, in.DeploymentID, in.DeployID)
	c.exclusive("input", "dagTarballVersion", "bundleTarballVersion", in.DagTarballVersion != nil, in.BundleTarballVersion != nil)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	d, _, err := cl.Deploys.Finalize(ctx, in.OrganizationID, in.DeploymentID, in.DeployID, &astro.FinalizeDeployRequest{
		DagTarballVersion: in.DagTarballVersion, BundleTarballVersion: in.BundleTarballVersion,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	return &model.FinalizeAstroDeployPayload{Deploy: refreshDeploy(ctx, l, in.OrganizationID, d)}, nil
}

func rollbackAstroDeploy(ctx context.Context, in model.RollbackAstroDeployInput) (*model.RollbackAstroDeployPayload, error) {
	var c check
	deployIDs(&c, in.OrganizationID, in.DeploymentID, in.DeployID)
	c.maxLenPtr("input.description", in.Description, 500)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	d, _, err := cl.Deploys.Rollback(ctx, in.OrganizationID, in.DeploymentID, in.DeployID, &astro.DeployRollbackRequest{Description: in.Description})
	if err != nil {
		return nil, astroFail(err)
	}
	return &model.RollbackAstroDeployPayload{Deploy: refreshDeploy(ctx, l, in.OrganizationID, d)}, nil
}

func createAstroAgentToken(ctx context.Context, in model.CreateAstroAgentTokenInput) (*model.CreateAstroAgentTokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	c.required("input.name", in.Name)
	c.betweenPtr("input.tokenExpiryPeriodInDays", in.TokenExpiryPeriodInDays, 1, 3650)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, err := once(ctx, "astro", "createAstroAgentToken", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.APIToken, error) {
		return astroCreate(ctx, "agent token", uncertain, func(ctx context.Context) (*astro.APIToken, error) {
			v, _, err := cl.AgentTokens.Create(ctx, in.OrganizationID, in.DeploymentID, &astro.CreateAgentTokenRequest{
				Name: in.Name, Description: in.Description, TokenExpiryPeriodInDays: in.TokenExpiryPeriodInDays,
			})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Forget(ctx, l.AstroAgentToken, loader.AstroChildKey{OrganizationID: in.OrganizationID, ParentID: in.DeploymentID, ID: t.ID})
	return &model.CreateAstroAgentTokenPayload{ClientMutationID: in.ClientMutationID, AgentToken: convertAstroAgentToken(in.OrganizationID, in.DeploymentID, t)}, nil
}

func deleteAstroAgentToken(ctx context.Context, in model.DeleteAstroAgentTokenInput) (*model.DeleteAstroAgentTokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	c.id("input.agentTokenId", in.AgentTokenID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.AgentTokens.Delete(ctx, in.OrganizationID, in.DeploymentID, in.AgentTokenID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroAgentToken, loader.AstroChildKey{OrganizationID: in.OrganizationID, ParentID: in.DeploymentID, ID: in.AgentTokenID})
	return &model.DeleteAstroAgentTokenPayload{
		ID: encodeID(typeAstroAgentToken, in.OrganizationID, in.DeploymentID, in.AgentTokenID), AgentTokenID: in.AgentTokenID,
	}, nil
}
