package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/astro-gateway/gateway/internal/fault"
)

// errorCodes makes sure every error the HTTP transports write themselves
// carries extensions.code like every other GraphQL error (httpTransport and
// sseSingle set codes; gqlgen's SSE and multipart transports may not): such answers
// (status 4xx) are held back, and each error without a code gets
// BAD_USER_INPUT, the caller's request being at fault. Successful answers
// pass through unbuffered.
func errorCodes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streaming(r) {
			next.ServeHTTP(w, r)
			return
		}
		cw := &codeWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

type codeWriter struct {
	http.ResponseWriter
	status int
	held   *bytes.Buffer // set while an error answer is being held back
}

func (w *codeWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	if status >= 400 && status < 500 {
		w.held = &bytes.Buffer{}
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *codeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.held != nil {
		return w.held.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *codeWriter) finish() {
	if w.held == nil {
		return
	}
	body := w.held.Bytes()
	var env map[string]json.RawMessage
	var errs []map[string]any
	if json.Unmarshal(body, &env) == nil && json.Unmarshal(env["errors"], &errs) == nil {
		for _, e := range errs {
			ext, _ := e["extensions"].(map[string]any)
			if ext == nil {
				ext = map[string]any{}
				e["extensions"] = ext
			}
			if ext["code"] == nil {
				ext["code"] = fault.CodeBadUserInput
			}
			// gqlgen quotes an undecodable body back ("… body:<the
			// body>"): a request is not echoed, whatever it holds.
			if msg, ok := e["message"].(string); ok && strings.HasPrefix(msg, "json request body could not be decoded") {
				if i := strings.Index(msg, " body:"); i >= 0 {
					e["message"] = msg[:i]
				}
			}
		}
		if raw, err := json.Marshal(errs); err == nil {
			env["errors"] = raw
			if out, err := json.Marshal(env); err == nil {
				body = out
			}
		}
	}
	w.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(body)
}
