package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Shared machinery of the Astro fields: one page of a list call as a
// connection, by-id lookups through the loaders, sort keys, and what a
// mutation needs (the caller's client, upstream errors, the payload fields
// the caller asked for).

// astroLister fetches one page of an Astro list.
type astroLister[T any] func(c *astro.Client, lo astro.ListOptions) ([]*T, *astro.Response, error)

// astroConnection reads one page (first/after or last/before) of a list and builds its
// connection: one upstream call, whatever first is (two for last without
// before on a list longer than last).
func astroConnection[T, N, C any](ctx context.Context, pg cursors, sorts []string,
	list astroLister[T], conv func(*T) N, build func([]N, page, int) C,
) (C, error) {
	var zero C
	p, err := pageArgs(pg)
	if err != nil {
		return zero, err
	}
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return zero, err
	}
	items, p, total, err := upstreamPage(p, func(offset, limit int) ([]*T, int, error) {
		items, resp, err := list(c, astro.ListOptions{Offset: offset, Limit: limit, Sorts: sorts})
		if err != nil {
			return nil, 0, astroFail(err)
		}
		return items, resp.TotalCount, nil
	})
	if err != nil {
		return zero, err
	}
	nodes := make([]N, len(items))
	for i, it := range items {
		nodes[i] = conv(it)
	}
	return build(nodes, p, total), nil
}

// loadAstro looks key up in a loader and converts the answer.
func loadAstro[K comparable, V, N any](ctx context.Context, ld *dataloader.Loader[K, V], key K, conv func(V) N) (N, error) {
	v, err := loader.Load(ctx, ld, key)
	if err != nil {
		var zero N
		return zero, err
	}
	return conv(v), nil
}

// astroSorts renders sort enum values (FULL_NAME_DESC) as Astro's sorts
// parameter (fullName:desc).
func astroSorts[E ~string](vs []E) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		s := string(v)
		dir := "asc"
		if f, ok := strings.CutSuffix(s, "_DESC"); ok {
			s, dir = f, "desc"
		} else {
			s = strings.TrimSuffix(s, "_ASC")
		}
		words := strings.Split(strings.ToLower(s), "_")
		for j := 1; j < len(words); j++ {
			if words[j] != "" {
				words[j] = strings.ToUpper(words[j][:1]) + words[j][1:]
			}
		}
		out[i] = strings.Join(words, "") + ":" + dir
	}
	return out
}

// astroFail marks an upstream failure as Astro's, for the error presenter.
func astroFail(err error) error {
	if err == nil {
		return nil
	}
	return fault.Upstream(fault.Astro, err)
}

// astroWriter is the caller's Astro client for a mutation whose input
// passed c; an invalid input fails here, before any upstream call.
func astroWriter(ctx context.Context, c *check) (*astro.Client, *loader.Loaders, error) {
	if err := c.result(); err != nil {
		return nil, nil, err
	}
	l := loader.For(ctx)
	cl, err := l.AstroClient()
	if err != nil {
		return nil, nil, err
	}
	return cl, l, nil
}

// wants reports whether the caller selected a field of the current field's
// result (a payload), so that a fresh read is made only when it is used.
func wants(ctx context.Context, field string) bool {
	return slices.Contains(graphql.CollectAllFields(ctx), field)
}

func enumsTo[T ~string, S ~string](vs []S) []T {
	if vs == nil {
		return nil
	}
	out := make([]T, len(vs))
	for i, v := range vs {
		out[i] = T(v)
	}
	return out
}

func ptrTo[T ~string, S ~string](v *S) *T {
	if v == nil {
		return nil
	}
	t := T(*v)
	return &t
}

// Upstream filters and conversions, named here so that the resolvers need
// not import the client.
type (
	userFilter              = astro.ListUsersOptions
	teamFilter              = astro.ListTeamsOptions
	apiTokenFilter          = astro.ListAPITokensOptions
	environmentObjectFilter = astro.ListEnvironmentObjectsOptions
	deploymentOptionsQuery  = astro.GetDeploymentOptionsOptions
)

func upstreamTokenKind(k *model.AstroAPITokenKind) astro.APITokenKind {
	return astro.APITokenKind(deref(k))
}

func upstreamDeploymentType(t *model.AstroDeploymentType) astro.DeploymentType {
	return astro.DeploymentType(deref(t))
}

func upstreamExecutor(e *model.AstroExecutor) astro.DeploymentExecutor {
	return astro.DeploymentExecutor(deref(e))
}

func upstreamProvider(p *model.AstroCloudProvider) astro.CloudProvider {
	return astro.CloudProvider(deref(p))
}
