package gateway

import (
	"net"
	"net/http"
	"time"
)

// upstreamConns is how many idle connections the gateway keeps per
// upstream host: a batch fans out to some dozens of parallel calls (chunks
// of ids, one call per organization, Houston's aliased documents), and
// net/http's default of 2 would close all but two of them after each
// burst, leaving sockets in TIME_WAIT and paying a handshake per call.
const upstreamConns = 64

// newTransport is the network transport of the upstream clients: keep-alive
// with enough idle connections for the fan-out, HTTP/2 where the upstream
// offers it, and bounded dial and TLS handshakes. net/http retries an
// idempotent request (GET, and requests with an Idempotency-Key: Houston
// queries carry an empty one, which is not sent) once on a
// fresh connection when a reused one turns out closed by the server.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * upstreamConns,
		MaxIdleConnsPerHost:   upstreamConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
