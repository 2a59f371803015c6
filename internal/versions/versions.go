// Package versions compares the version strings of the Astronomer
// platforms: Astro Runtime in its two numbering schemes (semver-style
// "13.0.0" up to Runtime 13, then "3.0-4" — MAJOR.MINOR-PATCH — from
// Runtime 3 for Airflow 3, which sorts above every semver-style release)
// and Airflow ("2.10.5", with an optional "-N" build or "+local" suffix).
package versions

import (
	"strconv"
	"strings"
	"time"
)

// Version is a parsed version. The zero Version is invalid.
type Version struct {
	// Epoch orders numbering schemes: 1 for semver-style Runtime and for
	// Airflow, 2 for Runtime's MAJOR.MINOR-PATCH scheme.
	Epoch               int
	Major, Minor, Patch int
	// Build is a trailing "-N" of a semver-style version (Astronomer
	// Certified Airflow "2.2.5-1"); it orders after the bare version.
	Build int
	raw   string
}

// String is the version as it was given.
func (v Version) String() string { return v.raw }

// Valid reports whether v was parsed from a version string.
func (v Version) Valid() bool { return v.Epoch > 0 }

// ParseRuntime parses an Astro Runtime version: "9.1.0", "13.0.0" or
// "3.0-4".
func ParseRuntime(s string) (Version, bool) {
	s = strings.TrimSpace(s)
	base, _, _ := strings.Cut(s, "+")
	if mm, patch, ok := strings.Cut(base, "-"); ok && strings.Count(mm, ".") == 1 {
		maj, min, ok1 := cutInts(mm)
		p, err := strconv.Atoi(patch)
		if !ok1 || err != nil || p < 0 {
			return Version{}, false
		}
		return Version{Epoch: 2, Major: maj, Minor: min, Patch: p, raw: s}, true
	}
	return parseSemver(s)
}

// ParseAirflow parses an Airflow version: "2.10.5", "1.10.15", "2.2.5-1".
func ParseAirflow(s string) (Version, bool) { return parseSemver(strings.TrimSpace(s)) }

func parseSemver(s string) (Version, bool) {
	base, _, _ := strings.Cut(s, "+")
	base, build, hasBuild := strings.Cut(base, "-")
	parts := strings.Split(base, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, false
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return Version{}, false
		}
		n[i] = x
	}
	v := Version{Epoch: 1, Major: n[0], Minor: n[1], Patch: n[2], raw: s}
	if hasBuild {
		b, err := strconv.Atoi(build)
		if err != nil || b < 0 {
			return Version{}, false // a pre-release such as 2.0.0-rc1: not a release
		}
		v.Build = b
	}
	return v, true
}

func cutInts(s string) (int, int, bool) {
	a, b, _ := strings.Cut(s, ".")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return x, y, err1 == nil && err2 == nil && x >= 0 && y >= 0
}

// Compare orders a and b: -1, 0 or +1.
func Compare(a, b Version) int {
	for _, d := range [...]int{a.Epoch - b.Epoch, a.Major - b.Major, a.Minor - b.Minor, a.Patch - b.Patch, a.Build - b.Build} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

// Lag is how far one version is behind another.
type Lag int

// Lags, from none to most.
const (
	Current Lag = iota
	Patch
	Minor
	Major
)

// LagOf says how far v is behind latest: Major across numbering schemes
// or major versions, Minor across minor versions, Patch otherwise; Current
// when v is latest or newer.
func LagOf(v, latest Version) Lag {
	switch {
	case Compare(v, latest) >= 0:
		return Current
	case v.Epoch != latest.Epoch || v.Major != latest.Major:
		return Major
	case v.Minor != latest.Minor:
		return Minor
	}
	return Patch
}

// Newest returns the newest of the valid runtime versions in list.
func Newest(list []string) (Version, bool) {
	var best Version
	for _, s := range list {
		if v, ok := ParseRuntime(s); ok && (!best.Valid() || Compare(v, best) > 0) {
			best = v
		}
	}
	return best, best.Valid()
}

// Behind counts the distinct valid runtime versions in list newer than v.
func Behind(v Version, list []string) int {
	seen := map[Version]bool{}
	for _, s := range list {
		w, ok := ParseRuntime(s)
		w.raw = ""
		if ok && Compare(w, v) > 0 && !seen[w] {
			seen[w] = true
		}
	}
	return len(seen)
}

// airflowEndOfLife are the dates Airflow's major lines reached their end
// of life, as the Apache Airflow version life cycle gives them: 1.x on
// 2021-06-17, 2.x on 2026-04-22 (the end of its limited maintenance).
var airflowEndOfLife = map[int]time.Time{
	1: time.Date(2021, 6, 17, 0, 0, 0, 0, time.UTC),
	2: time.Date(2026, 4, 22, 0, 0, 0, 0, time.UTC),
}

// AirflowEndOfLife reports whether the Airflow line of v has reached its
// end of life at now; ok is false when v is not an Airflow version.
func AirflowEndOfLife(v string, now time.Time) (eol, ok bool) {
	a, ok := ParseAirflow(v)
	if !ok {
		return false, false
	}
	if a.Major < 1 {
		return true, true
	}
	d, known := airflowEndOfLife[a.Major]
	return known && !now.Before(d), true
}
