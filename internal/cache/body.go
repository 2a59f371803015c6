package cache

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/astro-gateway/gateway/internal/jsonx"
)

// MaxBody bounds an upstream body the transport reads, as the clients bound
// what they decode: a larger one is an error, read no further than that.
const MaxBody = jsonx.MaxUpstreamBody

// ErrBodyTooLarge is returned, wrapped, for a body over its limit.
var ErrBodyTooLarge = errors.New("upstream body too large")

// readChunk is the size of the pooled pieces a body of unknown length is
// read into.
const readChunk = 32 << 10

var chunks = sync.Pool{New: func() any { b := make([]byte, readChunk); return &b }}

// readBody reads a whole body, at most limit bytes, into one slice of exactly its length,
// allocated once: of size bytes when the length is known (size ≥ 0, as
// net/http reports Content-Length, which it enforces), and otherwise
// through pooled chunks copied out at the end. io.ReadAll grows its slice
// by doubling instead, which allocates about 2.5 times a large body
// (a page of 1,000 Astro deployments is 2.6 MB: 6.7 MB allocated).
func readBody(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, fmt.Errorf("%w: Content-Length %d", ErrBodyTooLarge, size)
	}
	if size >= 0 {
		b := make([]byte, size)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	var held []*[]byte
	defer func() {
		for _, c := range held {
			chunks.Put(c)
		}
	}()
	total, last := 0, 0
	for {
		c := chunks.Get().(*[]byte)
		held = append(held, c)
		n, err := io.ReadFull(r, *c)
		total, last = total+n, n
		if int64(total) > limit {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, total)
	for i, c := range held {
		if i == len(held)-1 {
			out = append(out, (*c)[:last]...)
		} else {
			out = append(out, *c...)
		}
	}
	return out, nil
}
