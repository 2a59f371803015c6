package houston

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/ast"
)

// BatchSize is how many aliased lookups go into one document.
const BatchSize = 200

// AppConfig fetches appConfig with the given selection. Fields the
// installed Houston lacks are left out (see [PruneSelection]).
//
// Houston: query appConfig (AppConfigRequest, HoustonVersionQuery)
func (c *Client) AppConfig(ctx context.Context, sel []Field) (*AppConfig, error) {
	return c.AppConfigFor(ctx, AppConfigScope{}, sel)
}

// AppConfigScope names what appConfig merges its configuration for: a
// cluster (Houston ≥ 1.0), a workspace and a deployment (≥ 2.0).
type AppConfigScope struct {
	ClusterID    string
	WorkspaceID  string
	DeploymentID string
}

// AppConfigFor fetches appConfig as merged for a scope. A scope the
// installed Houston cannot take is an *[UnsupportedError].
//
// Houston: query appConfig(clusterId, workspaceUuid, deploymentUuid) (AppConfigRequest)
func (c *Client) AppConfigFor(ctx context.Context, scope AppConfigScope, sel []Field) (*AppConfig, error) {
	return one[AppConfig](ctx, c, call{kind: ast.Query, opName: "AppConfig", field: "appConfig", result: "AppConfig", sel: sel,
		args: optional(
			arg{"clusterId", typeUuid, scope.ClusterID},
			arg{"workspaceUuid", typeUuid, scope.WorkspaceID},
			arg{"deploymentUuid", typeUuid, scope.DeploymentID})})
}

// optional keeps the arguments with a value: the CLI sends only those.
func optional(args ...arg) []arg {
	var out []arg
	for _, a := range args {
		if !isZero(a.value) {
			out = append(out, a)
		}
	}
	return out
}

// Workspaces lists the workspaces the caller has a role in.
//
// Houston: query workspaces (WorkspacesGetRequest)
func (c *Client) Workspaces(ctx context.Context, sel []Field) ([]*Workspace, error) {
	return many[Workspace](ctx, c, call{kind: ast.Query, opName: "GetWorkspaces", field: "workspaces", result: "Workspace", sel: sel})
}

// PaginatedDeploymentsOptions are the arguments of paginatedDeployments.
type PaginatedDeploymentsOptions struct {
	Take       int // 0: server default; -1: all
	PageNumber int // 0-based
	Name       string
	ClusterID  string // Houston ≥ 1.0
}

// PaginatedDeployments lists one page of the deployments the caller can see
// (every deployment for a system admin). Houston ≥ 0.32.
//
// Houston: query paginatedDeployments (PaginatedDeploymentsGetRequest)
func (c *Client) PaginatedDeployments(ctx context.Context, opts PaginatedDeploymentsOptions, sel []Field) ([]*Deployment, error) {
	args := optional(arg{"take", typeInt, opts.Take}, arg{"pageNumber", typeInt, opts.PageNumber},
		arg{"name", typeString, opts.Name}, arg{"clusterId", typeUuid, opts.ClusterID})
	return many[Deployment](ctx, c, call{kind: ast.Query, opName: "paginatedDeployments", field: "paginatedDeployments",
		args: args, result: "Deployment", sel: sel})
}

// WorkspacesByID looks up workspaces by id, BatchSize per document. The
// result is aligned with ids: a nil entry with a nil error means Houston has
// no such workspace (or the caller may not see it); errs holds the errors
// that Houston reported for single ids. err is a failure of the whole call.
func (c *Client) WorkspacesByID(ctx context.Context, ids []string, sel []Field) (out []*Workspace, errs []error, err error) {
	sel = c.pruned(ctx, "Workspace", With(sel, "id"))
	return batch[Workspace](ctx, c, "GetWorkspaces", ids, func(id string) rootField {
		return rootField{name: "workspace", args: []arg{{"workspaceUuid", typeUuidNonNull, id}}, sel: sel}
	})
}

// DeploymentsByID looks up deployments by id, like [Client.WorkspacesByID].
func (c *Client) DeploymentsByID(ctx context.Context, ids []string, sel []Field) (out []*Deployment, errs []error, err error) {
	sel = c.pruned(ctx, "Deployment", With(sel, "id"))
	return batch[Deployment](ctx, c, "GetDeployments", ids, func(id string) rootField {
		return rootField{name: "deployment", args: []arg{{"where.id", typeStringNonNull, id}}, sel: sel}
	})
}

// WorkspaceDeployments lists the deployments of each workspace, aligned with
// workspaceIDs, in as few documents as BatchSize allows.
func (c *Client) WorkspaceDeployments(ctx context.Context, workspaceIDs []string, sel []Field) (out [][]*Deployment, errs []error, err error) {
	sel = c.pruned(ctx, "Deployment", With(sel, "id"))
	lists, errs, err := batch[[]*Deployment](ctx, c, "GetWorkspaceDeployments", workspaceIDs, func(id string) rootField {
		return rootField{name: "workspaceDeployments", args: []arg{{"workspaceUuid", typeUuidNonNull, id}}, sel: sel}
	})
	out = make([][]*Deployment, len(lists))
	for i, l := range lists {
		if l != nil {
			out[i] = compact(*l)
		}
	}
	return out, errs, err
}

// pruned drops from sel what the installed version lacks, asking Houston
// for its version only when sel holds a field that depends on it.
func (c *Client) pruned(ctx context.Context, typeName string, sel []Field) []Field {
	if !selectionVersioned(typeName, sel) {
		return sel
	}
	kept, _ := PruneSelection(c.shapeVersion(ctx, true), typeName, sel)
	return kept
}

// batch runs one aliased root field per key, chunked by BatchSize, and
// returns results and per-key errors in key order.
func batch[T any](ctx context.Context, c *Client, opName string, keys []string, field func(string) rootField) ([]*T, []error, error) {
	out := make([]*T, len(keys))
	errs := make([]error, len(keys))
	for start := 0; start < len(keys); start += BatchSize {
		end := min(start+BatchSize, len(keys))
		roots := make([]rootField, 0, end-start)
		for i := start; i < end; i++ {
			r := field(keys[i])
			r.alias = alias(i - start)
			roots = append(roots, r)
		}
		var data map[string]*T // null aliases decode to nil
		err := c.Do(ctx, document(opName, roots), &data)
		if isValidationFailure(err) {
			c.ForgetVersion()
		}
		var gqlErrs Errors
		if err != nil && !errors.As(err, &gqlErrs) {
			return nil, nil, err
		}
		for i := start; i < end; i++ {
			a := alias(i - start)
			if gqlErrs != nil {
				if e := gqlErrs.forRoot(a); e != nil {
					errs[i] = e
					continue
				}
			}
			out[i] = data[a]
		}
	}
	return out, errs, nil
}

func compact[T any](in []*T) []*T {
	out := in[:0:0]
	for _, v := range in {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}
