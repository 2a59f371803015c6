package cache

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readBody returns exactly what the reader holds, whatever its length and
// however the reader splits it, with and without a known size.
func TestReadBody(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, readChunk - 1, readChunk, readChunk + 1, 3*readChunk + 17, 1 << 20} {
		want := make([]byte, n)
		for i := range want {
			want[i] = byte(rand.IntN(256))
		}
		for _, size := range []int64{-1, int64(n)} {
			got, err := readBody(iotest.OneByteReader(bytes.NewReader(want)), size, 1<<20)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%d bytes, size %d", n, size)
			assert.Equal(t, len(got), cap(got), "allocated once, to size")
			got, err = readBody(bytes.NewReader(want), size, 1<<20)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	}
	boom := errors.New("connection reset")
	_, err := readBody(io.MultiReader(bytes.NewReader(make([]byte, 2*readChunk+5)), iotest.ErrReader(boom)), -1, 1<<20)
	assert.ErrorIs(t, err, boom)
	_, err = readBody(bytes.NewReader(make([]byte, 10)), 20, 1<<20)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "shorter than its length")
	// Over the limit: refused without reading on (known length) or past it.
	big := &countingReader{r: bytes.NewReader(make([]byte, 5*readChunk))}
	_, err = readBody(big, int64(5*readChunk), 2*readChunk)
	assert.ErrorIs(t, err, ErrBodyTooLarge)
	assert.Zero(t, big.n, "a Content-Length over the limit is not read")
	_, err = readBody(big, -1, 2*readChunk)
	assert.ErrorIs(t, err, ErrBodyTooLarge)
	assert.LessOrEqual(t, big.n, 3*readChunk, "read no further than the limit's chunk")
}

// BenchmarkReadBody reads a 2.6 MB body of unknown length (a page of
// 1,000 Astro deployments, sent chunked) with io.ReadAll and readBody.
func BenchmarkReadBody(b *testing.B) {
	body := bytes.Repeat([]byte(`{"id":"clm0000000000000000000000","name":"x"},`), 2_600_000/46)
	b.Run("io.ReadAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = io.ReadAll(bytes.NewReader(body))
		}
	})
	b.Run("readBody", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = readBody(bytes.NewReader(body), -1, MaxBody)
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
