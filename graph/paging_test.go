package graph

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relayWindow is the Relay cursor-connections spec's algorithm:
// ApplyCursorsToEdges (after, then before), then first keeps the first
// edges, last the last ones. Cursors are offsets, so, as graphql-relay-js's
// connectionFromArray does, a before at or ahead of after leaves nothing
// (the spec's edge lookup would not find it and ignore it).
func relayWindow(items []int, first, last, after, before *int) []int {
	if after != nil && before != nil && *before <= *after {
		return nil
	}
	edges := slices.Clone(items)
	if after != nil {
		if i := slices.Index(edges, *after); i >= 0 {
			edges = edges[i+1:]
		}
	}
	if before != nil {
		if i := slices.Index(edges, *before); i >= 0 {
			edges = edges[:i]
		}
	}
	if first != nil && len(edges) > *first {
		edges = edges[:*first]
	}
	if last != nil && len(edges) > *last {
		edges = edges[len(edges)-*last:]
	}
	return edges
}

// TestPageArgsFollowsRelay: for every list of up to 6 items, every cursor
// pair and every first or last up to 7, the gateway's window is the spec's,
// the cursors point at the window's ends, and hasPreviousPage/hasNextPage
// say exactly whether items lie before and after it.
func TestPageArgsFollowsRelay(t *testing.T) {
	t.Parallel()
	ptr := func(i int) *int { return &i }
	for n := 0; n <= 6; n++ {
		items := make([]int, n)
		for i := range items {
			items[i] = i
		}
		cursorsAt := []*int{nil}
		for i := range n {
			cursorsAt = append(cursorsAt, ptr(i))
		}
		sizes := []*int{nil}
		for k := 0; k <= 7; k++ {
			sizes = append(sizes, ptr(k))
		}
		for _, after := range cursorsAt {
			for _, before := range cursorsAt {
				for _, size := range sizes {
					for _, backward := range []bool{false, true} {
						var a cursors
						var first, last *int
						if backward {
							if size == nil {
								continue
							}
							a.last, last = size, size
						} else {
							a.first, first = size, size
							if size == nil {
								first = ptr(defaultPageSize)
							}
						}
						if after != nil {
							c := encodeCursor(*after)
							a.after = &c
						}
						if before != nil {
							c := encodeCursor(*before)
							a.before = &c
						}
						p, err := pageArgs(a)
						require.NoError(t, err)
						got := slice(items, p)
						want := relayWindow(items, first, last, after, before)
						name := []any{"n=%d after=%v before=%v first=%v last=%v", n, deref(after), deref(before), deref(first), deref(last)}
						if len(want) == 0 {
							assert.Empty(t, got, name...)
						} else {
							assert.Equal(t, want, got, name...)
						}
						pi := pageInfo(p, len(got), n)
						if len(got) == 0 {
							assert.Nil(t, pi.StartCursor, name...)
							continue
						}
						assert.Equal(t, encodeCursor(got[0]), *pi.StartCursor, name...)
						assert.Equal(t, encodeCursor(got[len(got)-1]), *pi.EndCursor, name...)
						assert.Equal(t, got[0] > 0, pi.HasPreviousPage, name...)
						assert.Equal(t, got[len(got)-1] < n-1, pi.HasNextPage, name...)
					}
				}
			}
		}
	}
}

// TestUpstreamPage: a list that upstream pages by offset and limit gives the
// window slice gives, in one call, or two for last without before on a list
// longer than what is left after `after`.
func TestUpstreamPage(t *testing.T) {
	t.Parallel()
	ptr := func(i int) *int { return &i }
	for n := 0; n <= 6; n++ {
		items := make([]int, n)
		for i := range items {
			items[i] = i
		}
		for _, after := range []*int{nil, ptr(0), ptr(2)} {
			for _, before := range []*int{nil, ptr(n - 1)} {
				for _, args := range []cursors{{first: ptr(2)}, {last: ptr(2)}, {last: ptr(7)}, {}} {
					a := args
					if after != nil {
						c := encodeCursor(*after)
						a.after = &c
					}
					if before != nil && *before >= 0 {
						c := encodeCursor(*before)
						a.before = &c
					}
					p, err := pageArgs(a)
					require.NoError(t, err)
					calls := 0
					got, q, total, err := upstreamPage(p, func(offset, limit int) ([]int, int, error) {
						calls++
						return items[min(offset, n):min(offset+limit, n)], n, nil
					})
					require.NoError(t, err)
					assert.Equal(t, n, total)
					want := slice(items, p)
					assert.Equal(t, len(want), len(got))
					if len(want) > 0 {
						assert.Equal(t, want, got)
						assert.Equal(t, want[0], q.offset, "the page is placed")
					}
					start := 0
					if after != nil {
						start = *after + 1
					}
					wantCalls := 1
					if p.fromEnd && n-start > *a.last {
						wantCalls = 2
					}
					assert.Equal(t, wantCalls, calls, "n=%d after=%v before=%v", n, deref(after), deref(before))
				}
			}
		}
	}
}
