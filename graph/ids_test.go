package graph

import (
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGlobalIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ   string
		parts []string
	}{
		{typeAstroOrganization, []string{"clm8t5u4q000008jq4qoc3036"}},
		{typeAstroDeployment, []string{"org", "dep"}},
		{typeSoftwareDeployment, []string{"default", "id:with/odd chars"}},
	} {
		id := encodeID(tc.typ, tc.parts...)
		g, err := decodeID(id)
		require.NoError(t, err)
		assert.Equal(t, tc.typ, g.Type)
		assert.Equal(t, tc.parts, g.Parts)
	}
	for _, bad := range []string{"", "garbage", encodeID("Nope", "x"), encodeID(typeAstroDeployment, "only-one"), encodeID(typeAstroDeployment, "a", "")} {
		_, err := decodeID(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestPageArgs(t *testing.T) {
	t.Parallel()
	intp := func(i int) *int { return &i }
	strp := func(s string) *string { return &s }
	p, err := pageArgs(cursors{})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 0, first: 20}, p)
	p, err = pageArgs(cursors{first: intp(5), after: strp(encodeCursor(9))})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 10, first: 5}, p, "after the item at index 9 comes index 10")
	p, err = pageArgs(cursors{last: intp(3), before: strp(encodeCursor(9))})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 6, first: 3}, p, "the 3 items before index 9")
	p, err = pageArgs(cursors{last: intp(30), before: strp(encodeCursor(9)), after: strp(encodeCursor(4))})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 5, first: 4}, p, "between index 4 and index 9")
	p, err = pageArgs(cursors{first: intp(30), before: strp(encodeCursor(9))})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 0, first: 9}, p, "first stops at before")
	p, err = pageArgs(cursors{last: intp(3), before: strp(encodeCursor(2)), after: strp(encodeCursor(7))})
	require.NoError(t, err)
	assert.Equal(t, 0, p.first, "before ahead of after: nothing")
	p, err = pageArgs(cursors{last: intp(3)})
	require.NoError(t, err)
	assert.Equal(t, page{offset: 7, first: 3}, p.at(10), "the last 3 of 10")
	assert.Equal(t, page{offset: 0, first: 2}, p.at(2), "a list shorter than last")
	for _, tc := range []struct {
		args cursors
		path string
	}{
		{cursors{first: intp(-1)}, "first"},
		{cursors{first: intp(maxPageSize + 1)}, "first"},
		{cursors{last: intp(-1)}, "last"},
		{cursors{last: intp(maxPageSize + 1)}, "last"},
		{cursors{first: intp(1), last: intp(1)}, "last"},
		{cursors{after: strp("nope")}, "after"},
		{cursors{before: strp("nope")}, "before"},
		{cursors{after: strp(encodeID(typeAstroDeployment, "a", "b"))}, "after"},
	} {
		_, err := pageArgs(tc.args)
		var in *fault.InputError
		require.ErrorAs(t, err, &in)
		assert.Equal(t, tc.path, in.Path)
	}
}

func TestPageInfo(t *testing.T) {
	t.Parallel()
	items := []int{0, 1, 2, 3, 4}
	p := page{offset: 2, first: 2}
	got := slice(items, p)
	assert.Equal(t, []int{2, 3}, got)
	pi := pageInfo(p, len(got), len(items))
	assert.True(t, pi.HasNextPage)
	assert.True(t, pi.HasPreviousPage)
	next, err := decodeCursor(pi.EndCursor)
	require.NoError(t, err)
	assert.Equal(t, 4, next)
	assert.Empty(t, slice(items, page{offset: 9, first: 2}))
	assert.False(t, pageInfo(page{offset: 4, first: 2}, 1, 5).HasNextPage)
}

func TestHugeCursorIsRefused(t *testing.T) {
	t.Parallel()
	c := encodeCursor(9223372036854775807)
	_, err := pageArgs(cursors{after: &c})
	var in *fault.InputError
	require.ErrorAs(t, err, &in)
}

// encodeCursors gives each offset's cursor (base64url of "offset:N"),
// across digit-count boundaries, and each decodes to the offset after it.
func TestEncodeCursors(t *testing.T) {
	for _, tc := range []struct{ offset, n int }{{0, 0}, {0, 1}, {0, 12}, {5, 100}, {95, 10}, {999_990, 20}} {
		got := encodeCursors(tc.offset, tc.n)
		if len(got) != tc.n {
			t.Fatalf("encodeCursors(%d, %d): %d cursors", tc.offset, tc.n, len(got))
		}
		for i, c := range got {
			if want := base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(tc.offset+i))); c != want {
				t.Errorf("cursor %d of encodeCursors(%d, %d) = %q, want %q", i, tc.offset, tc.n, c, want)
			}
			if off, err := decodeCursor(&c); err != nil || off != tc.offset+i+1 { // the offset after it
				t.Errorf("decodeCursor(%q) = %d, %v", c, off, err)
			}
		}
	}
}
