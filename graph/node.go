package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// node fetches any object by its global id, through the same loaders as
// everything else: nodes(ids) with 50 deployment ids is one upstream call.
func node(ctx context.Context, id string) (model.Node, error) {
	g, err := decodeID(id)
	if err != nil {
		return nil, &InputError{Path: "id", Message: err.Error()}
	}
	switch g.Type {
	case typeAstroOrganization:
		o, err := loader.Load(ctx, loader.For(ctx).AstroOrganization, g.Parts[0])
		if err != nil {
			return nil, err
		}
		return convertAstroOrganization(o), nil
	case typeAstroWorkspace:
		return astroWorkspace(ctx, g.Parts[0], g.Parts[1])
	case typeAstroDeployment:
		return astroDeployment(ctx, g.Parts[0], g.Parts[1])
	case typeAstroCluster:
		return astroCluster(ctx, g.Parts[0], g.Parts[1])
	case typeSoftwareWorkspace, typeSoftwareDeployment:
		if inst := loader.For(ctx).Installation(); g.Parts[0] != inst {
			return nil, &loader.NotFoundError{Backend: "houston", Kind: "installation", ID: g.Parts[0]}
		}
		if g.Type == typeSoftwareWorkspace {
			return softwareWorkspace(ctx, g.Parts[1])
		}
		return softwareDeployment(ctx, g.Parts[1])
	}
	return nil, &InputError{Path: "id", Message: "unknown object type"}
}

// nodes resolves ids side by side so that the loaders batch them; each
// failure is reported on its own index and the others still come back.
func nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	out := make([]model.Node, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			n, err := node(ctx, id)
			if err != nil {
				graphql.AddError(ctx, graphql.ErrorOnPath(graphql.WithPathContext(ctx, graphql.NewPathWithIndex(i)), err))
				return
			}
			out[i] = n
		})
	}
	wg.Wait()
	return out, nil
}

func (r *queryResolver) astroRoot(ctx context.Context) (*model.AstroQuery, error) {
	if !loader.For(ctx).HasAstro() {
		return nil, nil
	}
	return &model.AstroQuery{}, nil
}

func (r *queryResolver) softwareRoot(ctx context.Context) (*model.SoftwareQuery, error) {
	l := loader.For(ctx)
	if !l.HasHouston() {
		return nil, nil
	}
	return &model.SoftwareQuery{Installation: l.Installation()}, nil
}
