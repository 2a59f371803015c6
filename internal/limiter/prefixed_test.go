package limiter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrefixed: one token at two upstreams has two budgets; one never
// spends the other's.
func TestPrefixed(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 2, Write: 1, Delete: 1, Window: time.Minute})
	a, b := Prefixed(l, "houston.prod.example.com"), Prefixed(l, "houston.staging.example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for range 2 {
		_, err := a.Acquire(ctx, Key("same-token"), "GET")
		require.NoError(t, err)
	}
	_, err := a.Acquire(ctx, Key("same-token"), "GET")
	assert.Error(t, err, "prod's budget is spent")
	for range 2 {
		_, err := b.Acquire(ctx, Key("same-token"), "GET")
		require.NoError(t, err, "staging's is its own")
	}
	assert.Equal(t, 2, l.Held("houston.prod.example.com/"+Key("same-token"), "GET"))
}
