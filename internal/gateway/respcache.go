package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// responseCache answers a query that the same credentials sent before with
// the response kept for it, without parsing, validating or resolving
// anything. A response is kept when it answered a query (not a mutation or
// a subscription) without errors, and every upstream read it made came
// through the cache (see cache.Recorder): it is then valid while the scopes
// of those reads keep their generations, so a write through this gateway,
// or any replica sharing its Redis, retires it at once. Cache-Control:
// no-cache skips it (and refreshes it).
func responseCache(rc *cache.Responses, o Options, m *metrics.Metrics, next http.Handler) http.Handler {
	if rc == nil {
		return next
	}
	var fl flights
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streaming(r) || (r.Method != http.MethodPost && r.Method != http.MethodGet) || r.ContentLength > maxKeyedBody {
			next.ServeHTTP(w, r)
			return
		}
		key, ok := responseKey(r, o)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		start := time.Now()
		bypass := cache.Bypassed(ctx)
		var f *flight
		if !bypass {
			if resp, ok := rc.Get(ctx, key); ok {
				m.Cache("response", "hit")
				writeResponse(w, resp)
				logCached(o.Logger, r, "hit", start)
				return
			}
			// Identical requests that miss together wait for the first
			// one's answer instead of all building it (after an expiry,
			// under load, they would otherwise keep rebuilding it).
			var leader bool
			if f, leader = fl.join(key); !leader {
				select {
				case <-f.done:
					if f.resp != nil {
						m.Cache("response", "coalesced")
						writeResponse(w, f.resp)
						logCached(o.Logger, r, "coalesced", start)
						return
					}
				case <-ctx.Done():
				}
				f = nil
			}
			m.Cache("response", "miss")
		} else {
			m.Cache("response", "bypass")
		}
		rec := &cache.Recorder{}
		mark := &cacheMark{}
		cw := &captureWriter{ResponseWriter: w, limit: maxCachedResponse}
		var kept *cache.Response
		defer func() {
			if f != nil {
				fl.finish(key, f, kept)
			}
		}()
		next.ServeHTTP(cw, r.WithContext(context.WithValue(cache.WithRecorder(ctx, rec), cacheMarkKey{}, mark)))
		if mark.keep() && cw.status == http.StatusOK && !cw.overflow {
			resp := cache.Response{Status: cw.status, ContentType: cw.Header().Get("Content-Type"), Body: cw.buf.Bytes()}
			if rc.Put(key, resp, rec) {
				kept = &resp
			}
		}
	})
}

// maxKeyedBody bounds the body the cache reads to compute a key before the
// request is admitted; a larger request (never a dashboard's) skips it.
const maxKeyedBody = 64 << 10

func writeResponse(w http.ResponseWriter, resp *cache.Response) {
	w.Header().Set("Content-Type", resp.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// flights are the response-cache misses being built, by key.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one miss being built; resp is set before done closes when the
// answer was kept.
type flight struct {
	done chan struct{}
	resp *cache.Response
}

// join returns the flight of key, and whether the caller leads it.
func (fl *flights) join(key string) (*flight, bool) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if f, ok := fl.m[key]; ok {
		return f, false
	}
	if fl.m == nil {
		fl.m = map[string]*flight{}
	}
	f := &flight{done: make(chan struct{})}
	fl.m[key] = f
	return f, true
}

func (fl *flights) finish(key string, f *flight, resp *cache.Response) {
	fl.mu.Lock()
	delete(fl.m, key)
	fl.mu.Unlock()
	f.resp = resp
	close(f.done)
}

// maxCachedResponse bounds a response the cache copies while it is written.
const maxCachedResponse = 4 << 20

// responseKey identifies a request for the response cache: the caller's
// effective upstream credentials (hashed), the Accept header (it chooses
// the media type), and the operation — the document as sent, the
// operation name, the variables in a canonical form, and the extensions
// (persisted queries). ok is false for a request it does not read (a JSON
// batch, a body that is not JSON); the request then runs as usual. r.Body
// is restored for the handler.
func responseKey(r *http.Request, o Options) (string, bool) {
	var p struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
		p.Variables, p.Extensions = json.RawMessage(q.Get("variables")), json.RawMessage(q.Get("extensions"))
	default:
		if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") || r.Body == nil {
			return "", false
		}
		body, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		if err != nil || json.Unmarshal(body, &p) != nil {
			return "", false
		}
	}
	vars, ok := canonicalJSON(p.Variables)
	if !ok {
		return "", false
	}
	ext, ok := canonicalJSON(p.Extensions)
	if !ok {
		return "", false
	}
	c := credentials(r.Header.Get, o)
	h := sha256.New()
	for _, part := range []string{c.AstroToken, c.AstroOrganizationID, c.HoustonToken, fleetKey(c, o), r.Header.Get("Accept"), p.Query, p.OperationName, vars, ext} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// canonicalJSON re-encodes raw with sorted object keys, so that the same
// variables in another order make the same key. Empty and null are "".
func canonicalJSON(raw json.RawMessage) (string, bool) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return "", true
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return "", false
	}
	out, err := json.Marshal(v)
	return string(out), err == nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// cacheMark is where the GraphQL server says whether the response it
// produced may be kept: one response, to a query, without errors.
type cacheMark struct {
	mu        sync.Mutex
	responses int
	ok        bool
}

type cacheMarkKey struct{}

func (c *cacheMark) keep() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.responses == 1 && c.ok
}

// markCacheable is the server's AroundResponses hook that fills the
// request's cacheMark.
func markCacheable(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	mark, _ := ctx.Value(cacheMarkKey{}).(*cacheMark)
	if mark == nil || resp == nil {
		return resp
	}
	ok := len(resp.Errors) == 0 && len(resp.Data) > 0 && string(resp.Data) != "null" && graphql.HasOperationContext(ctx)
	if ok {
		oc := graphql.GetOperationContext(ctx)
		ok = oc.Operation != nil && oc.Operation.Operation == ast.Query
	}
	mark.mu.Lock()
	mark.responses++
	mark.ok = ok
	mark.mu.Unlock()
	return resp
}

// captureWriter copies what it writes, up to limit bytes.
type captureWriter struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	limit    int
	overflow bool
}

func (w *captureWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.overflow {
		if w.buf.Len()+len(b) > w.limit {
			w.overflow = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
