package gateway

import (
	"net/http"
	"net/http/pprof"
)

// Profiler serves Go's profiles (/debug/pprof/…) for PPROF_ADDR, on a
// listener of its own: profiles show internals that the gateway's public
// port must not.
func Profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
