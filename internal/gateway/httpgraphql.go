package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/fault"
)

// GraphQL over HTTP, as https://graphql.github.io/graphql-over-http/draft/
// says it, for GET and POST (websocket, SSE and multipart/mixed have
// their own transports):
//
//   - the answer is application/json unless the caller prefers
//     application/graphql-response+json (Accept, with q-values); neither
//     acceptable: 406;
//   - a request that fails before execution (parse, validation, variable
//     coercion, a limit) has no "data" entry, and answers 200 as
//     application/json (so that clients read its errors) or 400 as
//     application/graphql-response+json;
//   - a mutation over GET answers 405 with Allow: POST; a POST that is not
//     application/json answers 415; a body that is not JSON, or whose
//     parameters have the wrong types, 400 — and the body is never quoted
//     back;
//   - a POST body may be a JSON array of operations (a batch, as Apollo's
//     BatchHttpLink sends): they run together with one set of dataloaders
//     (the request's), their costs are added up against the cost limit,
//     and the answer is the array of their responses, in order.
type httpTransport struct {
	maxBatch    int   // 0: no bound
	maxCost     int   // for a batch's total; 0: no bound
	maxResponse int64 // for a batch's whole answer; 0: no bound
}

var _ graphql.Transport = (*httpTransport)(nil)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// Supports takes every plain HTTP request the transports before it left
// (OPTIONS, SSE, multipart/mixed): a method other than GET and POST gets
// 405 here rather than gqlgen's "transport not supported".
func (h *httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == ""
}

// params are one operation's request parameters.
type params struct {
	raw graphql.RawParams
	err *gqlerror.Error // the parameters could not be read
}

func (h *httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeHTTPError(w, mediaJSON, http.StatusNotAcceptable,
			"the gateway answers application/json or application/graphql-response+json: the Accept header allows neither")
		return
	}
	switch r.Method {
	case http.MethodGet:
		p := getParams(r)
		if p.err != nil {
			writeHTTPError(w, media, http.StatusBadRequest, p.err.Message)
			return
		}
		h.single(w, r, exec, media, p.raw, true)
	case http.MethodPost:
		ct, cparams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != mediaJSON || (cparams["charset"] != "" && !strings.EqualFold(cparams["charset"], "utf-8")) {
			writeHTTPError(w, media, http.StatusUnsupportedMediaType,
				"a GraphQL POST body must be application/json (UTF-8)")
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeHTTPError(w, media, http.StatusBadRequest, "the request body could not be read")
			return
		}
		body = bytes.TrimLeft(body, " \t\r\n")
		if len(body) > 0 && body[0] == '[' {
			h.batch(w, r, exec, media, body)
			return
		}
		p := decodeParams(body)
		if p.err != nil {
			writeHTTPError(w, media, http.StatusBadRequest, p.err.Message)
			return
		}
		p.raw.Headers = r.Header
		h.single(w, r, exec, media, p.raw, false)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		writeHTTPError(w, media, http.StatusMethodNotAllowed, "GraphQL is served over GET and POST (and websocket, SSE)")
	}
}

// single runs one operation.
func (h *httpTransport) single(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, raw graphql.RawParams, get bool) {
	ctx := r.Context()
	raw.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	oc, errs := exec.CreateOperationContext(ctx, &raw)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		writeGraphQL(w, media, status, requestError(exec, ctx, oc, errs))
		return
	}
	if get && oc.Operation.Operation != ast.Query {
		// A GET must not change anything (it may be cached, prefetched,
		// replayed): mutations, and subscriptions, go by POST.
		w.Header().Set("Allow", "POST")
		writeHTTPError(w, media, http.StatusMethodNotAllowed,
			fmt.Sprintf("a %s cannot be sent with GET: use POST", oc.Operation.Operation))
		return
	}
	resp := execute(ctx, exec, oc)
	status := http.StatusOK
	if retry, ok := overloaded(resp); ok {
		// As admission answers OVERLOADED: nothing ran.
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		status = http.StatusServiceUnavailable
	}
	writeGraphQL(w, media, status, resp)
}

// batch runs a JSON array of operations together.
func (h *httpTransport) batch(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, body []byte) {
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		writeHTTPError(w, media, http.StatusBadRequest, "the request body is not valid JSON")
		return
	}
	if len(items) == 0 {
		writeHTTPError(w, media, http.StatusBadRequest, "a batch needs at least one operation")
		return
	}
	if h.maxBatch > 0 && len(items) > h.maxBatch {
		writeHTTPErrorExt(w, media, http.StatusBadRequest,
			fmt.Sprintf("a batch holds at most %d operations (MAX_BATCH); this one has %d", h.maxBatch, len(items)),
			map[string]any{"code": fault.CodeBadUserInput, "maxBatch": h.maxBatch})
		return
	}
	ctx := r.Context()
	out := make([]*wireResponse, len(items))
	ocs := make([]*graphql.OperationContext, len(items))
	total, mutates := 0, false
	for i, item := range items {
		p := decodeParams(item)
		if p.err != nil {
			out[i] = &wireResponse{Errors: gqlerror.List{withCode(p.err)}}
			continue
		}
		p.raw.Headers = r.Header
		p.raw.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
		oc, errs := exec.CreateOperationContext(ctx, &p.raw)
		if errs != nil {
			out[i] = requestError(exec, ctx, oc, errs)
			continue
		}
		ocs[i] = oc
		if f, ok := cost.FiguresOf(oc); ok {
			total += f.Cost
		}
		mutates = mutates || oc.Operation.Operation == ast.Mutation
	}
	if h.maxCost > 0 && total > h.maxCost {
		// Each operation fits, but not all of them together: a batch
		// must not buy what one request could not.
		for i, oc := range ocs {
			if oc == nil {
				continue
			}
			ocs[i] = nil
			err := &gqlerror.Error{
				Message:    fmt.Sprintf("query too complex: the batch's operations cost %d together, over %d", total, h.maxCost),
				Extensions: map[string]any{"code": fault.CodeQueryTooComplex, "cost": total, "limit": h.maxCost},
			}
			out[i] = requestError(exec, ctx, oc, gqlerror.List{err})
		}
	}
	if mutates {
		// Mutations run in the order sent, like a document's top-level
		// mutation fields; the queries beside them wait their turn.
		for i, oc := range ocs {
			if oc != nil {
				out[i] = execute(ctx, exec, oc)
			}
		}
	} else {
		// Queries run at once, so that their lookups meet in the
		// request's dataloaders: ten queries cost what one would.
		var wg sync.WaitGroup
		for i, oc := range ocs {
			if oc == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Outside the handler's goroutine net/http recovers nothing:
				// a panic here would end the process.
				defer func() {
					if p := recover(); p != nil {
						out[i] = internalError(p)
					}
				}()
				out[i] = execute(ctx, exec, oc)
			}()
		}
		wg.Wait()
	}
	b, err := encodeBatch(out)
	if err != nil {
		writeHTTPError(w, media, http.StatusInternalServerError, "the batch's responses could not be encoded")
		return
	}
	if h.maxResponse > 0 && int64(len(b)) > h.maxResponse {
		// Each answer fits MAX_RESPONSE_BYTES; together they must too.
		tooLarge := &wireResponse{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("the batch's responses are larger than %d bytes together: ask for fewer objects or fields, or split the batch", h.maxResponse),
			Extensions: map[string]any{"code": fault.CodeResponseTooLarge, "maxBytes": h.maxResponse},
		}}}
		for i := range out {
			out[i] = tooLarge
		}
		if b, err = encodeBatch(out); err != nil {
			writeHTTPError(w, media, http.StatusInternalServerError, "the batch's responses could not be encoded")
			return
		}
	}
	w.Header().Set("Content-Type", mediaJSON+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// wireResponse is a response as written: no "data" at all for a request
// that failed before execution, "data": null for one that failed in it.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// encode writes r as JSON. The data, which gqlgen's executor wrote, is
// copied as it is: json.Marshal would validate and compact a
// json.RawMessage, a second pass over every byte of a large answer.
func (r *wireResponse) encode(b []byte) ([]byte, error) {
	b = append(b, '{')
	if len(r.Errors) > 0 {
		errs, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), errs...)
	}
	if len(r.Data) > 0 {
		if len(r.Errors) > 0 {
			b = append(b, ',')
		}
		b = append(append(b, `"data":`...), r.Data...)
	}
	if len(r.Extensions) > 0 {
		ext, err := json.Marshal(r.Extensions)
		if err != nil {
			return nil, err
		}
		if len(r.Errors) > 0 || len(r.Data) > 0 {
			b = append(b, ',')
		}
		b = append(append(b, `"extensions":`...), ext...)
	}
	return append(b, '}'), nil
}

// size is about how many bytes encode writes.
func (r *wireResponse) size() int { return len(r.Data) + 256*(len(r.Errors)+1) }

// encodeBatch writes the responses of a batch as a JSON array.
func encodeBatch(out []*wireResponse) ([]byte, error) {
	n := 2
	for _, r := range out {
		n += r.size() + 1
	}
	b := append(make([]byte, 0, n), '[')
	for i, r := range out {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = r.encode(b); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// requestError presents the errors of an operation that did not start
// (the response middlewares and the error presenter see them as usual).
func requestError(exec graphql.GraphExecutor, ctx context.Context, oc *graphql.OperationContext, errs gqlerror.List) *wireResponse {
	if oc != nil {
		ctx = graphql.WithOperationContext(ctx, oc)
	}
	resp := exec.DispatchError(ctx, errs)
	if resp == nil {
		return &wireResponse{Errors: errs}
	}
	return &wireResponse{Errors: resp.Errors, Extensions: resp.Extensions}
}

// execute runs a validated operation to its first (for a query or a
// mutation, only) response.
func execute(ctx context.Context, exec graphql.GraphExecutor, oc *graphql.OperationContext) *wireResponse {
	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp := responses(ctx)
	if resp == nil {
		return &wireResponse{Data: json.RawMessage("null")}
	}
	out := &wireResponse{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions}
	if _, refused := overloaded(out); !refused && len(out.Data) == 0 {
		// A refused operation never started: no data entry, as a request
		// error has none.
		out.Data = json.RawMessage("null")
	}
	return out
}

// internalError answers an operation whose goroutine panicked: logged with
// its stack, INTERNAL to the client (the panic value is not shown).
func internalError(p any) *wireResponse {
	slog.Error("panic in a GraphQL operation", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return &wireResponse{Errors: gqlerror.List{{Message: "internal error", Extensions: map[string]any{"code": fault.CodeInternal}}}}
}

func writeGraphQL(w http.ResponseWriter, media string, status int, resp *wireResponse) {
	b, err := resp.encode(make([]byte, 0, resp.size()))
	if err != nil {
		writeHTTPError(w, media, http.StatusInternalServerError, "the response could not be encoded")
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeHTTPError answers a request the gateway could not take as GraphQL:
// a GraphQL error (extensions.code BAD_USER_INPUT) with no "data".
func writeHTTPError(w http.ResponseWriter, media string, status int, msg string) {
	writeHTTPErrorExt(w, media, status, msg, map[string]any{"code": fault.CodeBadUserInput})
}

func writeHTTPErrorExt(w http.ResponseWriter, media string, status int, msg string, ext map[string]any) {
	writeGraphQL(w, media, status, &wireResponse{Errors: gqlerror.List{{Message: msg, Extensions: ext}}})
}

func withCode(e *gqlerror.Error) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if e.Extensions["code"] == nil {
		e.Extensions["code"] = fault.CodeBadUserInput
	}
	return e
}

// negotiate picks the answer's media type from an Accept header: the
// acceptable type of highest q, the earlier on a tie; */* and application/*
// mean application/json, and so does no header at all.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	type choice struct {
		media string
		q     float64
		at    int
	}
	var choices []choice
	for i, part := range strings.Split(accept, ",") {
		mt, p, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := p["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q <= 0 {
			continue
		}
		switch mt {
		case mediaJSON, "*/*", "application/*":
			choices = append(choices, choice{mediaJSON, q, i})
		case mediaGraphQLResponse:
			choices = append(choices, choice{mediaGraphQLResponse, q, i})
		}
	}
	if len(choices) == 0 {
		return "", false
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].q > choices[b].q })
	return choices[0].media, true
}

// getParams reads a GET's parameters from its URL.
func getParams(r *http.Request) params {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return params{err: gqlerror.Errorf("the URL's query string could not be read")}
	}
	p := params{raw: graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}}
	if v := q.Get("variables"); v != "" {
		if err := decodeObject([]byte(v), &p.raw.Variables); err != nil {
			return params{err: gqlerror.Errorf("variables must be a JSON object")}
		}
	}
	if v := q.Get("extensions"); v != "" {
		if err := decodeObject([]byte(v), &p.raw.Extensions); err != nil {
			return params{err: gqlerror.Errorf("extensions must be a JSON object")}
		}
	}
	if p.raw.Query == "" && p.raw.Extensions["persistedQuery"] == nil {
		return params{err: gqlerror.Errorf("the request has no query")}
	}
	return p
}

// decodeParams reads one operation's parameters from JSON, checking their
// types as the spec says: query and operationName strings, variables and
// extensions objects (each may be null or absent; the query only with a
// persisted query's hash). The body is never quoted in an error.
func decodeParams(body []byte) params {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil || dec.More() {
		return params{err: gqlerror.Errorf("the request body is not a JSON object of GraphQL parameters")}
	}
	var p params
	if err := decodeString(fields["query"], &p.raw.Query); err != nil {
		return params{err: gqlerror.Errorf("query must be a string")}
	}
	if err := decodeString(fields["operationName"], &p.raw.OperationName); err != nil {
		return params{err: gqlerror.Errorf("operationName must be a string")}
	}
	if err := decodeObject(fields["variables"], &p.raw.Variables); err != nil {
		return params{err: gqlerror.Errorf("variables must be a JSON object")}
	}
	if err := decodeObject(fields["extensions"], &p.raw.Extensions); err != nil {
		return params{err: gqlerror.Errorf("extensions must be a JSON object")}
	}
	if p.raw.Query == "" && p.raw.Extensions["persistedQuery"] == nil {
		return params{err: gqlerror.Errorf("the request has no query")}
	}
	return p
}

var errWrongType = fmt.Errorf("wrong JSON type")

func decodeString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '"' {
		return errWrongType
	}
	return json.Unmarshal(raw, dst)
}

func decodeObject(raw []byte, dst *map[string]any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '{' {
		return errWrongType
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // as gqlgen's transports: large integers stay exact
	if err := dec.Decode(dst); err != nil || dec.More() {
		return errWrongType
	}
	return nil
}

// deferTransport delivers an operation that uses @defer incrementally,
// as multipart/mixed (gqlgen's MultipartMixed), when the caller accepts
// it. Any other request, multipart/mixed accepted or not, is answered by
// httpTransport with one JSON response.
type deferTransport struct{}

func (deferTransport) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.Contains(r.Header.Get("Accept"), "multipart/mixed") {
		return false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaJSON {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
	return err == nil && bytes.Contains(body, []byte("@defer")) && !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("["))
}

func (deferTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	transport.MultipartMixed{Boundary: "-"}.Do(flushWriter{w}, r, exec)
}

// flushWriter lets MultipartMixed flush each part through the gateway's
// response writers (which reach the connection by Unwrap).
type flushWriter struct{ http.ResponseWriter }

func (f flushWriter) Flush() { _ = http.NewResponseController(f.ResponseWriter).Flush() }

func (f flushWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }
