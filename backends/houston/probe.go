package houston

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// versionCache holds the installation's version once a probe succeeded. It
// is shared by a Client and every copy WithToken makes: the version belongs
// to the installation, not to a caller (Houston answers it anonymously).
type versionCache struct {
	mu      sync.Mutex // held while probing, so concurrent callers probe once
	version string
}

// versionProbe is the document the Astro CLI sends to learn the version
// (HoustonVersionQuery.graphql).
const versionProbe = "query AppConfig {\n  appConfig {\n    version\n  }\n}"

// Version returns the installed Houston version (appConfig.version, such as
// "1.0.5"). The first successful answer is cached for the client and all
// its WithToken copies; a failed probe is not cached, so the next call asks
// again, and [Client.ForgetVersion] drops the cached answer. The client
// forgets it by itself when Houston rejects a document as invalid, which
// happens after an upgrade or a downgrade.
func (c *Client) Version(ctx context.Context) (string, error) {
	c.versions.mu.Lock()
	defer c.versions.mu.Unlock()
	if c.versions.version != "" {
		return c.versions.version, nil
	}
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
	c.versions.version = strings.TrimSpace(*out.AppConfig.Version)
	return c.versions.version, nil
}

// ForgetVersion drops the cached version, so that the next call asks
// Houston again.
func (c *Client) ForgetVersion() {
	c.versions.mu.Lock()
	c.versions.version = ""
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
