package houston

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// BatchSize is how many aliased lookups go into one document.
const BatchSize = 200

// AppConfig fetches appConfig with the given selection.
func (c *Client) AppConfig(ctx context.Context, sel []Field) (*AppConfig, error) {
	req := document("AppConfig", []rootField{{alias: "appConfig", name: "appConfig", sel: sel}})
	var out struct {
		AppConfig *AppConfig `json:"appConfig"`
	}
	if err := c.Do(ctx, req, &out); err != nil {
		return nil, err
	}
	if out.AppConfig == nil {
		return nil, errors.New("houston: appConfig returned null")
	}
	return out.AppConfig, nil
}

// Workspaces lists the workspaces the caller has a role in.
func (c *Client) Workspaces(ctx context.Context, sel []Field) ([]*Workspace, error) {
	req := document("GetWorkspaces", []rootField{{alias: "workspaces", name: "workspaces", sel: With(sel, "id")}})
	var out struct {
		Workspaces []*Workspace `json:"workspaces"`
	}
	err := c.Do(ctx, req, &out)
	return compact(out.Workspaces), err
}

// PaginatedDeploymentsOptions are the arguments of paginatedDeployments.
type PaginatedDeploymentsOptions struct {
	Take       int // 0: server default
	PageNumber int // 0-based
	Name       string
	ClusterID  string
}

// PaginatedDeployments lists one page of the deployments the caller can see
// (every deployment for a system admin). Houston ≥ 0.32.
func (c *Client) PaginatedDeployments(ctx context.Context, opts PaginatedDeploymentsOptions, sel []Field) ([]*Deployment, error) {
	var args []arg
	if opts.Take > 0 {
		args = append(args, arg{"take", typeInt, opts.Take})
	}
	if opts.PageNumber > 0 {
		args = append(args, arg{"pageNumber", typeInt, opts.PageNumber})
	}
	if opts.Name != "" {
		args = append(args, arg{"name", typeString, opts.Name})
	}
	if opts.ClusterID != "" {
		args = append(args, arg{"clusterId", typeUuid, opts.ClusterID})
	}
	req := document("paginatedDeployments", []rootField{{alias: "paginatedDeployments", name: "paginatedDeployments", args: args, sel: With(sel, "id")}})
	var out struct {
		Deployments []*Deployment `json:"paginatedDeployments"`
	}
	err := c.Do(ctx, req, &out)
	return compact(out.Deployments), err
}

// WorkspacesByID looks up workspaces by id, BatchSize per document. The
// result is aligned with ids: a nil entry with a nil error means Houston has
// no such workspace (or the caller may not see it); errs holds the errors
// that Houston reported for single ids. err is a failure of the whole call.
func (c *Client) WorkspacesByID(ctx context.Context, ids []string, sel []Field) (out []*Workspace, errs []error, err error) {
	sel = With(sel, "id")
	return batch(ctx, c, "GetWorkspaces", ids, func(id string) rootField {
		return rootField{name: "workspace", args: []arg{{"workspaceUuid", typeUuidNonNull, id}}, sel: sel}
	}, func(raw json.RawMessage) (*Workspace, error) { return decode[Workspace](raw) })
}

// DeploymentsByID looks up deployments by id, like [Client.WorkspacesByID].
func (c *Client) DeploymentsByID(ctx context.Context, ids []string, sel []Field) (out []*Deployment, errs []error, err error) {
	sel = With(sel, "id")
	return batch(ctx, c, "GetDeployments", ids, func(id string) rootField {
		return rootField{name: "deployment", args: []arg{{"where.id", typeStringNonNull, id}}, sel: sel}
	}, func(raw json.RawMessage) (*Deployment, error) { return decode[Deployment](raw) })
}

// WorkspaceDeployments lists the deployments of each workspace, aligned with
// workspaceIDs, in as few documents as BatchSize allows.
func (c *Client) WorkspaceDeployments(ctx context.Context, workspaceIDs []string, sel []Field) (out [][]*Deployment, errs []error, err error) {
	sel = With(sel, "id")
	lists, errs, err := batch(ctx, c, "GetWorkspaceDeployments", workspaceIDs, func(id string) rootField {
		return rootField{name: "workspaceDeployments", args: []arg{{"workspaceUuid", typeUuidNonNull, id}}, sel: sel}
	}, func(raw json.RawMessage) (*[]*Deployment, error) { return decode[[]*Deployment](raw) })
	out = make([][]*Deployment, len(lists))
	for i, l := range lists {
		if l != nil {
			out[i] = compact(*l)
		}
	}
	return out, errs, err
}

// batch runs one aliased root field per key, chunked by BatchSize, and
// returns results and per-key errors in key order.
func batch[T any](ctx context.Context, c *Client, opName string, keys []string, field func(string) rootField, dec func(json.RawMessage) (*T, error)) ([]*T, []error, error) {
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
		var data map[string]json.RawMessage
		err := c.Do(ctx, document(opName, roots), &data)
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
			raw, ok := data[a]
			if !ok || string(raw) == "null" {
				continue
			}
			v, derr := dec(raw)
			if derr != nil {
				errs[i] = derr
				continue
			}
			out[i] = v
		}
	}
	return out, errs, nil
}

func decode[T any](raw json.RawMessage) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("houston: decode: %w", err)
	}
	return v, nil
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
