package decoded

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDecodedTierBounds(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tier := NewTier(3, 800, time.Minute)
	tier.now = func() time.Time { return now }
	for i := range 5 {
		tier.put(key{id: string(rune('a' + i))}, &entry{v: i, size: 100, fetched: now})
	}
	assert.Equal(t, 3, tier.Len(), "entries are bounded")
	tier.put(key{id: "big"}, &entry{v: 0, size: 101, fetched: now})
	_, ok := tier.get(key{id: "big"})
	assert.False(t, ok, "an entry over an eighth of the budget is not kept")
	small := NewTier(100, 800, time.Minute)
	small.now = tier.now
	for i := range 20 {
		small.put(key{id: string(rune('a' + i))}, &entry{v: i, size: 90, fetched: now})
	}
	assert.LessOrEqual(t, small.Bytes(), int64(800), "bytes are bounded")
	_, ok = small.get(key{id: "t"})
	assert.True(t, ok, "the newest entry stays")
	now = now.Add(time.Minute)
	_, ok = small.get(key{id: "t"})
	assert.False(t, ok, "an entry lives until its answer is TTL old")
}
