package graph

import (
	"math"
	"slices"
	"testing"
)

// FuzzDecodeID: any string is either a global id that encodes back to
// itself, or an error; never a panic.
func FuzzDecodeID(f *testing.F) {
	f.Add(encodeID(typeAstroDeployment, "org", "dep"))
	f.Add(encodeID(typeSoftwareTeam, "default", "t:1/%"))
	f.Add(encodeID(typeAstroDeploy, "o", "d", "x"))
	f.Add("")
	f.Add("!!!")
	f.Add("QXN0cm9EZXBsb3ltZW50Og")
	f.Fuzz(func(t *testing.T, id string) {
		g, err := decodeID(id)
		if err != nil {
			return
		}
		if len(g.Parts) != idArity[g.Type] || slices.Contains(g.Parts, "") {
			t.Fatalf("%q decoded to %+v", id, g)
		}
		again, err := decodeID(encodeID(g.Type, g.Parts...))
		if err != nil || again.Type != g.Type || !slices.Equal(again.Parts, g.Parts) {
			t.Fatalf("%q: %+v does not round-trip: %+v, %v", id, g, again, err)
		}
	})
}

// FuzzDecodeCursor: a cursor decodes to an offset in [0, maxCursorOffset]
// or to an error; the cursors the gateway writes decode to the next item.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(0))
	f.Add(encodeCursor(41))
	f.Add(encodeCursor(maxCursorOffset))
	f.Add("b2Zmc2V0Oi0x") // offset:-1
	f.Add("")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, c string) {
		n, err := decodeCursor(&c)
		if err != nil {
			return
		}
		if n < 0 || n > maxCursorOffset {
			t.Fatalf("%q decoded to offset %d", c, n)
		}
		if c != "" && encodeCursor(n-1) != c && n > 0 {
			// Several spellings may decode alike (leading zeros); they
			// must still decode to what the canonical one does.
			canon := encodeCursor(n - 1)
			if m, err := decodeCursor(&canon); err != nil || m != n {
				t.Fatalf("%q: offset %d, canonical %q gives %d, %v", c, n, canon, m, err)
			}
		}
	})
}

// FuzzDecodeLogCursor: log cursors never panic and never give a negative
// offset.
func FuzzDecodeLogCursor(f *testing.F) {
	f.Add(encodeLogCursor("search-1", 0))
	f.Add(encodeLogCursor("s:x", 999))
	f.Add(encodeLogCursor("s", math.MaxInt))
	f.Add("")
	f.Add("bG9nOg")
	f.Fuzz(func(t *testing.T, c string) {
		if _, next, ok := decodeLogCursor(c); ok && next < 0 {
			t.Fatalf("%q decoded to offset %d", c, next)
		}
	})
}
