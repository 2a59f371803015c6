// Package jsonx is the one place where the gateway decodes what an upstream
// sent: every Astro and Houston body goes through Unmarshal or Read.
//
// It uses the encoding/json/v2 implementation (github.com/go-json-experiment/json,
// the code behind Go's GOEXPERIMENT=jsonv2), chosen on measurements: a page
// of 100 Astro deployments decodes 2.5× faster than with encoding/json's
// Decoder, with a third fewer allocations and the fewest bytes of the
// decoders measured (docs/BENCHMARKS.md, BenchmarkDecoders). The options keep encoding/json's leniency where an
// upstream could differ from its contract: names match case-insensitively,
// duplicate names and invalid UTF-8 are accepted (the last one wins,
// invalid bytes become U+FFFD).
package jsonx

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

var options = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// Unmarshal decodes the JSON value in b into v.
func Unmarshal(b []byte, v any) error { return json.Unmarshal(b, v, options) }

// MaxUpstreamBody is the most the gateway reads of one upstream body: the
// Astro and Houston clients decode no more, and the caching transport in
// front of them reads no more. The largest bodies are list pages of
// deployments (the CLI asks for 1,000 per page, a few KiB each), far below
// it.
const MaxUpstreamBody = 32 << 20

// ErrTooLarge is returned, wrapped, by Read for a body over its limit.
var ErrTooLarge = errors.New("body too large")

// bytesBody is a body that holds its bytes already (a cached answer):
// reading it again would only copy them.
type bytesBody interface{ Bytes() []byte }

// Read decodes the JSON value of r, at most limit bytes, into v. An empty
// body leaves v untouched. A body that already holds its bytes (a cached
// answer) is decoded in place, without a copy.
func Read(r io.Reader, limit int64, v any) error {
	b, err := ReadAll(r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	return Unmarshal(b, v)
}

// ReadAll returns the bytes of r, at most limit of them (ErrTooLarge
// beyond). A body that already holds its bytes gives them without a copy;
// they must not be modified.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	var b []byte
	if bb, ok := r.(bytesBody); ok {
		b = bb.Bytes()
	} else {
		var err error
		b, err = io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// Decoder is the streaming decoder a type's own UnmarshalJSONFrom method is
// handed, with Unmarshal's options.
type Decoder = jsontext.Decoder

// Decode decodes the next JSON value of d into v, with d's options: what a
// type's UnmarshalJSONFrom method calls to decode into a different shape
// (see astro's deployment summaries).
func Decode(d *Decoder, v any) error { return json.UnmarshalDecode(d, v) }
