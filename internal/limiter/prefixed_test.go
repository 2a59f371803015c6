package limiter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrefixed: two fleet backends with the same token each have the whole
// budget; one backend never spends the other's.
func TestPrefixed(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 2, Write: 1, Delete: 1, Window: time.Minute})
	a, b := Prefixed(l, "acme"), Prefixed(l, "globex")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for range 2 {
		_, err := a.Acquire(ctx, Key("same-token"), "GET")
		require.NoError(t, err)
	}
	_, err := a.Acquire(ctx, Key("same-token"), "GET")
	assert.Error(t, err, "acme's budget is spent")
	for range 2 {
		_, err := b.Acquire(ctx, Key("same-token"), "GET")
		require.NoError(t, err, "globex's is its own")
	}
	assert.Equal(t, 2, l.Held("acme/"+Key("same-token"), "GET"))
}
