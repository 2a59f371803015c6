package versions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The runtime releases astrosim offers (the Astro API's deployment
// options), oldest first, and those houstonsim's runtimeReleases lists.
var (
	astroReleases   = []string{"9.1.0", "11.3.0", "12.1.1", "12.6.0", "13.0.0", "3.0-4"}
	houstonReleases = []string{"4.2.9", "5.3.0", "6.6.0", "7.6.0", "8.10.0", "9.1.0", "9.5.0", "10.3.0", "11.4.0"}
)

func rt(t *testing.T, s string) Version {
	t.Helper()
	v, ok := ParseRuntime(s)
	require.True(t, ok, s)
	return v
}

func TestRuntimeOrder(t *testing.T) {
	t.Parallel()
	for i := 1; i < len(astroReleases); i++ {
		assert.Equal(t, -1, Compare(rt(t, astroReleases[i-1]), rt(t, astroReleases[i])), "%s < %s", astroReleases[i-1], astroReleases[i])
	}
	assert.Equal(t, 1, Compare(rt(t, "3.0-1"), rt(t, "13.0.0")), "Runtime 3.0-x sorts above 13.0.0")
	assert.Equal(t, 1, Compare(rt(t, "3.0-10"), rt(t, "3.0-9")), "patches compare as numbers")
	assert.Equal(t, 1, Compare(rt(t, "3.1-1"), rt(t, "3.0-10")))
	assert.Equal(t, 1, Compare(rt(t, "10.3.0"), rt(t, "9.5.0")), "majors compare as numbers, not strings")
	assert.Equal(t, 0, Compare(rt(t, "9.1.0"), rt(t, "9.1.0")))
	for _, bad := range []string{"", "latest", "3.0-", "a.b.c", "1", "1.2.3.4"} {
		_, ok := ParseRuntime(bad)
		assert.False(t, ok, bad)
	}
}

func TestLag(t *testing.T) {
	t.Parallel()
	latest, ok := Newest(astroReleases)
	require.True(t, ok)
	assert.Equal(t, "3.0-4", latest.String())
	for v, want := range map[string]Lag{
		"3.0-4": Current, "3.0-2": Patch, "13.0.0": Major, "12.6.0": Major, "9.1.0": Major,
	} {
		assert.Equal(t, want, LagOf(rt(t, v), latest), v)
	}
	hl, ok := Newest(houstonReleases)
	require.True(t, ok)
	assert.Equal(t, "11.4.0", hl.String())
	assert.Equal(t, Minor, LagOf(rt(t, "11.3.0"), hl))
	assert.Equal(t, Patch, LagOf(rt(t, "11.4.0"), rt(t, "11.4.2")))
	assert.Equal(t, Major, LagOf(rt(t, "10.3.0"), hl))
	assert.Equal(t, Current, LagOf(rt(t, "12.0.0"), hl), "newer than the newest offered is current")

	assert.Equal(t, 0, Behind(rt(t, "3.0-4"), astroReleases))
	assert.Equal(t, 1, Behind(rt(t, "13.0.0"), astroReleases))
	assert.Equal(t, 5, Behind(rt(t, "9.1.0"), astroReleases))
	assert.Equal(t, 2, Behind(rt(t, "9.5.0"), append(houstonReleases, "11.4.0")), "duplicates count once")
}

func TestAirflowEndOfLife(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]bool{
		"1.10.15": true, "2.2.5-1": true, "2.7.3": true, "2.10.5": true, "2.11.0": true, "3.0.3": false,
	} {
		eol, ok := AirflowEndOfLife(v, at)
		require.True(t, ok, v)
		assert.Equal(t, want, eol, v)
	}
	eol, _ := AirflowEndOfLife("2.10.5", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.False(t, eol, "2.x was supported in 2025")
	_, ok := AirflowEndOfLife("", at)
	assert.False(t, ok)
	a, _ := ParseAirflow("2.10.5")
	b, _ := ParseAirflow("2.9.3")
	assert.Equal(t, 1, Compare(a, b))
}
