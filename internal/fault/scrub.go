package fault

import "strings"

// minSecretRun is the shortest run of a credential that Scrub removes: long
// enough that ordinary words and ids do not match by chance, short enough
// that no useful part of a token survives.
const minSecretRun = 8

// Redacted stands where a credential was.
const Redacted = "[REDACTED]"

// Scrub removes from text every run of 8 or more characters that appears
// in one of secrets — the whole credential, or any part of it that an
// upstream echoed (a token cut by a proxy, a JWT's payload alone) —
// replacing each run with [REDACTED]. Upstream error text passes through
// it before it reaches a client, a log or a metric.
func Scrub(text string, secrets ...string) string {
	var live []string
	for _, s := range secrets {
		if len(s) >= minSecretRun {
			live = append(live, s)
		}
	}
	if len(live) == 0 || len(text) < minSecretRun {
		return text
	}
	var b strings.Builder
	last := 0 // text[last:i] is kept as is
	for i := 0; i+minSecretRun <= len(text); {
		end := longestRun(text, i, live)
		if end == i {
			i++
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(Redacted)
		last, i = end, end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// longestRun is the end of the longest run text[i:end] of at least
// minSecretRun characters found in one of secrets, or i when there is none.
func longestRun(text string, i int, secrets []string) int {
	best := i
	for _, s := range secrets {
		if !strings.Contains(s, text[i:i+minSecretRun]) {
			continue
		}
		end := i + minSecretRun
		for end < len(text) && strings.Contains(s, text[i:end+1]) {
			end++
		}
		best = max(best, end)
	}
	return best
}
