package gateway

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecondStatusIsDropped: a handler that writes a second final status
// (as the websocket upgrade does for a refused origin) reaches the client
// with the first one, and net/http logs nothing about it.
func TestSecondStatusIsDropped(t *testing.T) {
	var logged bytes.Buffer
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		sw.WriteHeader(http.StatusForbidden)
		sw.WriteHeader(http.StatusInternalServerError)
		_, _ = sw.Write([]byte("refused"))
	}))
	srv.Config.ErrorLog = log.New(&logged, "", 0)
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want the first one written", resp.StatusCode)
	}
	srv.Close()
	if strings.Contains(logged.String(), "superfluous") {
		t.Fatalf("net/http logged: %s", logged.String())
	}
}
