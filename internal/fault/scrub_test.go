package fault

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScrub(t *testing.T) {
	tok := "eyJhbGciOiJIUzI1NiJ9.eyJwZXJtaXNzaW9ucyI6W119.c2lnbmF0dXJlc2lnbmF0dXJl"
	for _, tc := range []struct{ name, text, want string }{
		{"whole token", "invalid token " + tok + " given", "invalid token " + Redacted + " given"},
		{"a part of 8", "bad: " + tok[10:18] + "!", "bad: " + Redacted + "!"},
		{"a part of 7 stays", "bad: " + tok[10:17] + "!", "bad: " + tok[10:17] + "!"},
		{"twice", tok[:20] + " and " + tok[30:], Redacted + " and " + Redacted},
		{"Bearer header echoed", "Authorization: Bearer " + tok, "Authorization: Bearer " + Redacted},
		{"nothing", "no such deployment", "no such deployment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Scrub(tc.text, tok, ""))
		})
	}
	assert.Equal(t, "short", Scrub("short", "short-secret"))
	assert.Equal(t, "x", Scrub("x", "1234567"), "a secret under 8 characters is not scrubbed")
}

func FuzzScrub(f *testing.F) {
	f.Add("token abcdefghijkl here", "abcdefghijkl")
	f.Fuzz(func(t *testing.T, text, secret string) {
		out := Scrub(text, secret)
		if len(secret) < minSecretRun {
			return
		}
		// No run of 8 of the secret survives, unless it was built across
		// the [REDACTED] marker itself.
		for i := 0; i+minSecretRun <= len(out); i++ {
			run := out[i : i+minSecretRun]
			if strings.Contains(secret, run) && !strings.Contains(Redacted, run) && !strings.ContainsAny(run, "[]") {
				t.Fatalf("%q survives in %q (secret %q)", run, out, secret)
			}
		}
	})
}
