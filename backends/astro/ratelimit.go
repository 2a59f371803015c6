package astro

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MethodClass groups HTTP methods the way Astro meters them: each API token
// has its own request budget per class. Astro uses only GET, POST and
// DELETE; creates and updates are both POST.
type MethodClass int

// The method classes, with Astro's documented budget per token.
const (
	// ClassRead is GET (and HEAD): 25 requests per second.
	ClassRead MethodClass = iota + 1
	// ClassWrite is POST, for creates and updates alike, and any method the
	// API does not use (PUT, PATCH): 10 requests per second.
	ClassWrite
	// ClassDelete is DELETE: 5 requests per second.
	ClassDelete
)

// ClassOf returns the class of an HTTP method. Methods the API does not use
// count as ClassWrite, the class with the most careful retry rule.
func ClassOf(method string) MethodClass {
	switch method {
	case http.MethodGet, http.MethodHead:
		return ClassRead
	case http.MethodDelete:
		return ClassDelete
	default:
		return ClassWrite
	}
}

// String returns "read", "write" or "delete".
func (m MethodClass) String() string {
	switch m {
	case ClassRead:
		return "read"
	case ClassWrite:
		return "write"
	case ClassDelete:
		return "delete"
	default:
		return "MethodClass(" + strconv.Itoa(int(m)) + ")"
	}
}

// RateLimit returns Astro's documented budget for the class, in requests per
// second per API token, or 0 for an unknown class.
func (m MethodClass) RateLimit() int {
	switch m {
	case ClassRead:
		return 25
	case ClassWrite:
		return 10
	case ClassDelete:
		return 5
	default:
		return 0
	}
}

// Retryable reports whether a call that failed with err may be sent again.
// It is the one place that decides this, so that no call site retries a
// create blindly. isCreate says that a POST creates something (pass the
// Create flag of the request's [Operation]) rather than updating; it is
// ignored for other methods.
//
// The table, by method class and kind of failure:
//
//	class        operation            the server certainly did    the server may have acted
//	                                  not act (429, connection    (500, 502, 503, 504, timeout,
//	                                  refused, DNS failure)       reset, truncated response)
//	ClassRead    GET                  retry                       retry
//	ClassWrite   update (POST item)   retry                       retry: updates are idempotent
//	ClassWrite   create (POST coll.)  retry                       never: a second create makes
//	                                                              a second object
//	ClassDelete  DELETE               retry                       retry; a 404 on the retry means
//	                                                              the first attempt succeeded
//
// Any other 4xx is never retried, since the same request gets the same
// answer. Neither is a call that was cancelled or ran out of time, whether
// the limit was its context's deadline or the http.Client's Timeout: a retry
// would run into the same limit. A caller that retries a 429 should wait
// RateLimitError.RetryAfter first.
func Retryable(method string, isCreate bool, err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if notActedOn(err) {
		return true
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return false
		}
	}
	// The request may have reached the server and been acted on.
	switch ClassOf(method) {
	case ClassRead, ClassDelete:
		return true
	default:
		return !isCreate
	}
}

// notActedOn reports whether err shows that the server did not act on the
// request: it refused it with a 429, or the request was never sent because
// no connection could be made.
func notActedOn(err error) bool {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// ParseRetryAfter parses a Retry-After header value in either of its forms,
// delta-seconds ("120") or HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"),
// relative to now. A date in the past gives 0. ok is false for an empty or
// malformed value, including negative or fractional seconds.
func ParseRetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > math.MaxInt64/int64(time.Second) {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
