package houston

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// versionCache holds the installation's version once a probe succeeded. It
// is shared by a Client and every copy WithToken makes: the version belongs
// to the installation, not to a caller (Houston answers it anonymously).
type versionCache struct {
	// probing is held (a token in the channel) while one caller probes, so
	// concurrent callers probe once; waiting for it honours the waiter's
	// context, unlike a mutex.
	probing chan struct{}

	mu          sync.Mutex // guards the fields below
	version     string
	failedUntil time.Time // a failed probe is not repeated before then
	failure     error
}

func newVersionCache() *versionCache { return &versionCache{probing: make(chan struct{}, 1)} }

// probeBackoff is how long a failed probe answers for itself: when Houston
// is down, requests do not queue up to probe it one after another.
const probeBackoff = 2 * time.Second

// versionProbe is the document the Astro CLI sends to learn the version
// (HoustonVersionQuery.graphql).
const versionProbe = "query AppConfig {\n  appConfig {\n    version\n  }\n}"

// Version returns the installed Houston version (appConfig.version, such as
// "1.0.5"). The first successful answer is cached for the client and all
// its WithToken copies; a failed probe answers for itself for two seconds,
// then the next call asks again, and [Client.ForgetVersion] drops the cached answer. The client
// forgets it by itself when Houston rejects a document as invalid, which
// happens after an upgrade or a downgrade.
func (c *Client) Version(ctx context.Context) (string, error) {
	vc := c.versions
	if v, err, ok := vc.cached(); ok {
		return v, err
	}
	select {
	case vc.probing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-vc.probing }()
	if v, err, ok := vc.cached(); ok { // another caller probed meanwhile
		return v, err
	}
	v, err := c.probe(ctx)
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if err != nil {
		vc.failure, vc.failedUntil = err, time.Now().Add(probeBackoff)
		return "", err
	}
	vc.version, vc.failure = v, nil
	return v, nil
}

// cached is the known version, or a recent failure; ok is false when
// Houston must be asked.
func (vc *versionCache) cached() (string, error, bool) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.version != "" {
		return vc.version, nil, true
	}
	if vc.failure != nil && time.Now().Before(vc.failedUntil) {
		return "", vc.failure, true
	}
	return "", nil, false
}

func (c *Client) probe(ctx context.Context) (string, error) {
	var out struct {
		AppConfig *struct {
			Version *string `json:"version"`
		} `json:"appConfig"`
	}
	if err := c.Do(ctx, &Request{Query: versionProbe, OperationName: "AppConfig"}, &out); err != nil {
		return "", err
	}
	if out.AppConfig == nil || out.AppConfig.Version == nil || strings.TrimSpace(*out.AppConfig.Version) == "" {
		return "", errors.New("houston: appConfig has no version")
	}
	return strings.TrimSpace(*out.AppConfig.Version), nil
}

// ForgetVersion drops the cached version, so that the next call asks
// Houston again.
func (c *Client) ForgetVersion() {
	c.versions.mu.Lock()
	c.versions.version, c.versions.failure = "", nil
	c.versions.mu.Unlock()
}

// shapeVersion is the version a document is shaped for: "" (the newest)
// when nothing in it depends on the version, or when the version cannot be
// learnt — then the client sends the newest shapes, as the Astro CLI does.
func (c *Client) shapeVersion(ctx context.Context, needed bool) string {
	if !needed {
		return ""
	}
	v, err := c.Version(ctx)
	if err != nil {
		return ""
	}
	return v
}

// isValidationFailure reports whether Houston refused a document as invalid
// for its schema (HTTP 400 GRAPHQL_VALIDATION_FAILED).
func isValidationFailure(err error) bool {
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 400 {
		return false
	}
	for _, e := range he.Errors {
		if e.Code() == "GRAPHQL_VALIDATION_FAILED" || strings.Contains(e.Message, "Cannot query field") ||
			strings.Contains(e.Message, "Unknown argument") {
			return true
		}
	}
	return false
}
