package astrosim

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestClassLimits checks every method class through the limiter directly;
// the API served today has GET routes only.
func TestClassLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		class  string
		limit  int
	}{
		{"GET", classGet, 25},
		{"HEAD", classGet, 25},
		{"POST", classPost, 10},
		{"DELETE", classDelete, 5},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.class, methodClass(tc.method))
			tr := newTraffic(true)
			tok := Token{Token: "t", Label: "org:x"}
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range tc.limit {
				_, ok := tr.admit(tok, tc.class, at(t0.Add(time.Duration(i)*time.Millisecond)))
				assert.True(t, ok, "request %d", i)
			}
			wait, ok := tr.admit(tok, tc.class, at(t0.Add(100*time.Millisecond)))
			assert.False(t, ok)
			assert.Equal(t, 1, wait)
			// The first request leaves the window at t0+1s.
			_, ok = tr.admit(tok, tc.class, at(t0.Add(time.Second)))
			assert.True(t, ok)
			// Other classes are untouched.
			_, ok = tr.admit(tok, "OTHER", at(t0))
			assert.True(t, ok)
		})
	}
}

// at is a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// TestWindowsLogArrivalsInOrder: requests of one token admitted at once
// from many goroutines are logged in time order, whatever the scheduling,
// so a window drops each of them one second after its arrival and counts
// exactly the requests of the last second.
func TestWindowsLogArrivalsInOrder(t *testing.T) {
	t.Parallel()
	tr := newTraffic(false)
	tok := Token{Token: "t", Label: "org:x"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 2000 {
				tr.admit(tok, classGet, time.Now)
			}
		})
	}
	wg.Wait()
	w := tr.windows[windowKey{"t", classGet}]
	assert.True(t, slices.IsSortedFunc(w.seen, func(a, b time.Time) int { return a.Compare(b) }), "the log is in time order")
	last := w.seen[len(w.seen)-1]
	assert.True(t, w.seen[0].After(last.Add(-time.Second)), "nothing older than a second is kept")
}
