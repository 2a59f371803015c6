package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// Kind is what a request is to the cache.
type Kind int

const (
	// Pass goes straight through.
	Pass Kind = iota
	// Read may be answered from the cache and shared with identical
	// concurrent reads.
	Read
	// Write retires its scope once it has been sent.
	Write
)

// Rules tell the transport how to read one backend's requests.
type Rules struct {
	Backend string
	// Instance names the backend in a fleet; keys carry it (see
	// upstream.Options.Instance). Empty: the one backend of its kind.
	Instance string
	// Classify says what req is, and its scopes: a read is keyed by the
	// generation of the first, a write retires every one.
	Classify func(req *http.Request) (Kind, []string)
	// Cacheable says whether a response may be kept (default: status 200).
	Cacheable func(status int, body []byte) bool
	// NoCoalescing sends every read upstream even while an identical one is
	// in flight. For measuring what coalescing saves; never in production.
	NoCoalescing bool
	// Decoded, when set, is the tier of decoded answers in front of the
	// store, for reads that ask for it (WithDecode).
	Decoded *decoded.Tier
}

type bypassKey struct{}

// WithBypass marks ctx so reads skip the cache (the caller sent
// Cache-Control: no-cache); fresh answers still refresh it.
func WithBypass(ctx context.Context) context.Context {
	return context.WithValue(ctx, bypassKey{}, true)
}

func bypass(ctx context.Context) bool { v, _ := ctx.Value(bypassKey{}).(bool); return v }

// Transport caches and coalesces the reads of one backend.
type Transport struct {
	store   Store
	rules   Rules
	next    http.RoundTripper
	metrics *metrics.Metrics
	group   singleflight.Group
	waiters atomic.Int64 // callers inside group.Do; for tests and debugging
}

// NewTransport wraps next. A nil store disables caching but keeps
// coalescing.
func NewTransport(store Store, rules Rules, m *metrics.Metrics, next http.RoundTripper) *Transport {
	if rules.Cacheable == nil {
		rules.Cacheable = func(status int, _ []byte) bool { return status == http.StatusOK }
	}
	return &Transport{store: store, rules: rules, next: next, metrics: m}
}

// entry is a stored response.
type entry struct {
	Status int
	Header map[string]string
	Body   []byte
}

// marshal encodes e compactly: the status, the header pairs and the body,
// each length-prefixed. (JSON would base64 the body, and cost a validating
// pass over it on every hit.)
func (e *entry) marshal() []byte {
	n := 4 + len(e.Body)
	for k, v := range e.Header {
		n += 4 + len(k) + len(v)
	}
	b := make([]byte, 0, n+8)
	b = binary.AppendUvarint(b, uint64(e.Status))
	b = binary.AppendUvarint(b, uint64(len(e.Header)))
	for k, v := range e.Header {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return append(b, e.Body...)
}

// unmarshalEntry decodes marshal's output; ok is false for anything else.
func unmarshalEntry(b []byte) (e entry, ok bool) {
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	str := func() (string, bool) {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return "", false
		}
		s := string(b[:l])
		b = b[l:]
		return s, true
	}
	status, ok1 := next()
	count, ok2 := next()
	if !ok1 || !ok2 || count > 64 {
		return e, false
	}
	e.Status, e.Header = int(status), make(map[string]string, count)
	for range count {
		k, okk := str()
		v, okv := str()
		if !okk || !okv {
			return e, false
		}
		e.Header[k] = v
	}
	e.Body = b
	return e, true
}

// keptHeaders are the response headers worth replaying.
var keptHeaders = []string{"Content-Type", "X-Request-Id", "Date", "Retry-After"}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	kind, scopes := t.rules.Classify(req)
	switch kind {
	case Write:
		recorderFrom(req.Context()).Spoil()
		resp, err := t.next.RoundTrip(req)
		// Whatever the answer, the write may have changed its scopes.
		if t.store != nil {
			bctx := context.WithoutCancel(req.Context())
			for _, scope := range scopes {
				_ = t.store.Bump(bctx, scope)
			}
		}
		return resp, err
	case Read:
		if t.rules.NoCoalescing && t.store == nil {
			recorderFrom(req.Context()).Spoil()
			return t.next.RoundTrip(req)
		}
		scope := ""
		if len(scopes) > 0 {
			scope = scopes[0]
		}
		return t.read(req, body, scope)
	}
	recorderFrom(req.Context()).Spoil()
	return t.next.RoundTrip(req)
}

func (t *Transport) read(req *http.Request, body []byte, scope string) (*http.Response, error) {
	ctx := req.Context()
	rec := recorderFrom(ctx)
	var gen int64
	if t.store != nil {
		g, err := t.store.Generation(ctx, scope)
		if err == nil {
			gen = g
		} else {
			rec.Spoil()
		}
	}
	key := t.key(req, body, scope, gen)
	skip := bypass(ctx)
	dec := decoded.From(ctx)
	if t.store == nil || t.rules.Decoded == nil {
		dec = nil
	}
	if dec != nil && !skip {
		if fetched, ok := dec.Lookup(t.rules.Decoded, key); ok {
			t.metrics.Cache(t.rules.Backend, "decoded_hit")
			rec.read(scope, gen, fetched)
			return hitResponse(req), nil
		}
	}
	if t.store != nil && !skip {
		if raw, ok := t.store.Get(ctx, key); ok {
			if e, ok := unmarshalEntry(raw); ok {
				t.metrics.Cache(t.rules.Backend, "hit")
				rec.read(scope, gen, e.fetched())
				dec.Offer(t.rules.Decoded, key, len(e.Body), e.fetched())
				return e.response(req), nil
			}
		}
	}
	t.waiters.Add(1)
	v, err, shared := t.group.Do(key, func() (any, error) {
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := readBody(resp.Body, resp.ContentLength, MaxBody)
		if err != nil {
			return nil, err
		}
		e := &entry{Status: resp.StatusCode, Header: map[string]string{fetchedHeader: strconv.FormatInt(time.Now().UnixNano(), 10)}, Body: b}
		for _, h := range keptHeaders {
			if v := resp.Header.Get(h); v != "" {
				e.Header[h] = v
			}
		}
		if t.store != nil && t.rules.Cacheable(resp.StatusCode, b) {
			t.store.Set(context.WithoutCancel(ctx), key, e.marshal())
		}
		return e, nil
	})
	t.waiters.Add(-1)
	switch {
	case shared && err == nil:
		t.metrics.Cache(t.rules.Backend, "coalesced")
	case skip:
		t.metrics.Cache(t.rules.Backend, "bypass")
	default:
		t.metrics.Cache(t.rules.Backend, "miss")
	}
	if err != nil {
		rec.Spoil()
		// The shared call ran on another caller's context; if that caller
		// gave up, this one still has time: ask again, alone.
		if shared && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && ctx.Err() == nil {
			return t.next.RoundTrip(req)
		}
		return nil, err
	}
	e := v.(*entry)
	if t.store == nil || !t.rules.Cacheable(e.Status, e.Body) {
		rec.Spoil()
	} else {
		rec.read(scope, gen, e.fetched())
		dec.Offer(t.rules.Decoded, key, len(e.Body), e.fetched())
	}
	return e.response(req), nil
}

// fetchedHeader carries, in a stored entry, when its answer came from
// upstream (Unix nanoseconds).
const fetchedHeader = "X-Gateway-Fetched-At"

// fetched is when e came from upstream; the zero time (older than anything)
// when it does not say.
func (e *entry) fetched() time.Time {
	n, err := strconv.ParseInt(e.Header[fetchedHeader], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// key identifies a read: backend, scope and its generation, the caller's
// credential (hashed), method, URL and body.
func (t *Transport) key(req *http.Request, body []byte, scope string, gen int64) string {
	h := sha256.New()
	h.Write([]byte(req.Header.Get("Authorization")))
	h.Write([]byte{0})
	h.Write([]byte(req.Method + " " + req.URL.String()))
	h.Write([]byte{0})
	h.Write(body)
	backend := t.rules.Backend
	if t.rules.Instance != "" {
		backend += "/" + t.rules.Instance
	}
	return backend + ":" + scope + ":" + strconv.FormatInt(gen, 10) + ":" + hex.EncodeToString(h.Sum(nil))
}

func (e *entry) response(req *http.Request) *http.Response {
	h := http.Header{}
	for k, v := range e.Header {
		h.Set(k, v)
	}
	return &http.Response{
		Status: strconv.Itoa(e.Status) + " " + http.StatusText(e.Status), StatusCode: e.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: &Body{Reader: bytes.NewReader(e.Body), b: e.Body}, ContentLength: int64(len(e.Body)), Request: req,
	}
}

// Body is the body of an answer the transport holds in memory. Bytes
// gives it without a copy, for a decoder that needs it whole
// (internal/jsonx.Read); it must not be modified.
type Body struct {
	*bytes.Reader
	b []byte
}

// Bytes returns the whole body, however much of it was read.
func (b *Body) Bytes() []byte { return b.b }

// Close implements io.Closer.
func (b *Body) Close() error { return nil }

// NoGraphQLErrors keeps a GraphQL answer only when it is a 200 without
// errors: a partial answer is not worth repeating.
func NoGraphQLErrors(status int, body []byte) bool {
	if status != http.StatusOK {
		return false
	}
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	return json.Unmarshal(body, &env) == nil && (len(env.Errors) == 0 || string(env.Errors) == "null")
}

// hitResponse is the answer of a read served from the decoded tier: a 200
// with no body, the objects being in the read's decoded.Handle.
func hitResponse(req *http.Request) *http.Response {
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: &Body{Reader: bytes.NewReader(nil)}, Request: req,
	}
}
