package houstonsim

import "github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"

// defaultTake is the page size when a paginated field gets no take.
const defaultTake = 20

// pageArgs are the paging arguments of Houston's paginated fields, with
// nil meaning "not sent".
type pageArgs struct {
	take       *int
	pageNumber *int
	cursor     string // "" means no cursor; the CLI sends "" on first pages
}

// page cuts one page out of items (in their stable order), Prisma style:
//
//   - cursor: the id of an item; the page starts right after it (exclusive).
//     An unknown cursor gives an empty page.
//   - take > 0: at most take items, after skipping take × pageNumber
//     (pageNumber is 0-based); nil take means defaultTake; take 0 gives an
//     empty page.
//   - take < 0 without a cursor: every item (the CLI sends take -1 for "all").
//     take < 0 with a cursor: the last −take items before the cursor.
//
// A negative pageNumber is a BAD_USER_INPUT error.
func page[T any](items []T, id func(T) string, a pageArgs) ([]T, error) {
	take := defaultTake
	if a.take != nil {
		take = *a.take
	}
	pageNumber := 0
	if a.pageNumber != nil {
		pageNumber = *a.pageNumber
	}
	if pageNumber < 0 {
		return nil, gqlError(codeBadUserInput, "pageNumber must not be negative")
	}
	start, end := 0, len(items)
	if a.cursor != "" {
		at := -1
		for i, it := range items {
			if id(it) == a.cursor {
				at = i
				break
			}
		}
		if at < 0 {
			return []T{}, nil
		}
		if take < 0 {
			return clone(items[max(0, at+take):at]), nil
		}
		start = at + 1
	} else if take < 0 {
		return clone(items), nil
	}
	if take == 0 || pageNumber > (end-start)/take {
		return []T{}, nil // also keeps take × pageNumber from overflowing
	}
	start += take * pageNumber
	if start >= end {
		return []T{}, nil
	}
	end = min(end, start+take)
	return clone(items[start:end]), nil
}

func clone[T any](s []T) []T { return append(make([]T, 0, len(s)), s...) }

func workspaceID(w *model.Workspace) string   { return w.ID }
func deploymentID(d *model.Deployment) string { return d.ID }
func userID(u *model.User) string             { return u.ID }
func teamID(t *model.Team) string             { return t.ID }
