package houstonsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// post is gqlgen's POST transport with one difference: a document that
// parses and validates has its answer written as gqlgen's executor wrote
// it. gqlgen writes every answer with json.Marshal, which validates and
// compacts the executor's already compact data a second time — a fifth of
// the simulator's CPU on a list of 2,400 deployments. Whatever else (a
// body that is not JSON, a document that fails to parse or validate, an
// Accept header asking for anything but JSON) is handed to gqlgen's POST
// as it came.
type post struct{ transport.POST }

func (p post) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || (r.Header.Get("Accept") != "" && r.Header.Get("Accept") != "application/json") {
		p.POST.Do(w, r, exec)
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // as gqlgen decodes variables
	if err := dec.Decode(params); err != nil {
		p.POST.Do(w, r, exec)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, errs := exec.CreateOperationContext(r.Context(), params)
	if errs != nil {
		p.POST.Do(w, r, exec)
		return
	}
	responses, ctx := exec.DispatchOperation(r.Context(), rc)
	out, err := appendResponse(nil, responses(ctx))
	if err != nil {
		panic(err) // as gqlgen's writeJson does: a value the executor made does not marshal
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// appendResponse appends resp as json.Marshal writes it, but with its data
// copied as they are. An incremental part (label, path, hasNext), which
// POST never answers with, goes through json.Marshal.
func appendResponse(b []byte, resp *graphql.Response) ([]byte, error) {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		m, err := json.Marshal(resp)
		return append(b, m...), err
	}
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), errs...)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"extensions":`...), ext...)
	}
	return append(b, '}'), nil
}
