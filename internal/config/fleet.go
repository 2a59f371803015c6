package config

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

// Fleet is the backends of a fleet configuration file (-config FILE or
// GATEWAY_CONFIG): several Astro organizations and Software installations
// behind one endpoint, each under its own name.
//
//	astro:
//	  - name: acme-us
//	    url: https://api.astronomer.io/v1
//	    organizationId: cl0abc…
//	    token: ${ACME_US_ASTRO_TOKEN}
//	software:
//	  - name: prod
//	    url: https://houston.prod.example.com/v1
//	    tokenFile: /run/secrets/houston-prod
type Fleet struct {
	// File is the file the fleet was read from; Digest is the SHA-256 of
	// its bytes and of the token files it names (see FleetDigest).
	File     string
	Digest   [32]byte
	Astro    []Backend
	Software []Backend
}

// Backend is one backend of a fleet.
type Backend struct {
	// Platform is "astro" or "software".
	Platform string
	// Name is unique in the fleet: lower-case letters, digits and dashes.
	// Software global ids and cache and limiter keys carry it.
	Name string
	URL  string
	// OrganizationID (Astro only) is the organization this backend
	// serves; empty: the organizations its tokens may list.
	OrganizationID string
	// Token is the service token, read from the environment variable or
	// the file the configuration names; used only for callers with a
	// gateway key. Never serialized.
	Token string `json:"-"`
	// TokenRef says where Token came from ("${ENV}" or "file:/path").
	TokenRef string
}

// Backends lists the fleet's backends, Astro organizations first.
func (f *Fleet) Backends() []Backend {
	return append(append([]Backend{}, f.Astro...), f.Software...)
}

// fleetFile is the file's shape; unknown keys are refused.
type fleetFile struct {
	Astro    []fleetEntry `yaml:"astro"`
	Software []fleetEntry `yaml:"software"`
}

type fleetEntry struct {
	Name           string `yaml:"name"`
	URL            string `yaml:"url"`
	OrganizationID string `yaml:"organizationId"`
	Token          string `yaml:"token"`
	TokenFile      string `yaml:"tokenFile"`
}

var (
	backendName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	envRef      = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)
)

// LoadFleet reads and validates a fleet file. Every problem is reported,
// each naming the file, the backend and the field. getenv resolves
// `token: ${VAR}`; readFile reads `tokenFile:` (os.ReadFile when nil).
func LoadFleet(path string, getenv func(string) string, readFile func(string) ([]byte, error)) (*Fleet, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	raw, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ff fleetFile
	if err := yaml.NewDecoder(bytes.NewReader(raw), yaml.DisallowUnknownField()).Decode(&ff); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimSpace(err.Error()))
	}
	f := &Fleet{File: path, Digest: fleetDigest(raw, ff, readFile)}
	var errs []error
	seen := map[string]string{}
	read := func(platform string, entries []fleetEntry) []Backend {
		var out []Backend
		for i, e := range entries {
			where := fmt.Sprintf("%s: %s[%d]", path, platform, i)
			if e.Name != "" {
				where = fmt.Sprintf("%s: %s[%d] %q", path, platform, i, e.Name)
			}
			bad := func(field, format string, args ...any) {
				errs = append(errs, fmt.Errorf("%s: %s: %s", where, field, fmt.Sprintf(format, args...)))
			}
			switch {
			case e.Name == "":
				bad("name", "missing")
			case !backendName.MatchString(e.Name):
				bad("name", "%q is not lower-case letters, digits and dashes (at most 63)", e.Name)
			case seen[e.Name] != "":
				bad("name", "%q is also the name of %s", e.Name, seen[e.Name])
			default:
				seen[e.Name] = fmt.Sprintf("%s[%d]", platform, i)
			}
			if u, err := url.Parse(e.URL); e.URL == "" {
				bad("url", "missing")
			} else if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad("url", "%q is not an absolute http(s) URL", e.URL)
			}
			if platform == "software" && e.OrganizationID != "" {
				bad("organizationId", "only Astro backends have an organization")
			}
			b := Backend{Platform: platform, Name: e.Name, URL: strings.TrimSpace(e.URL), OrganizationID: e.OrganizationID}
			switch {
			case e.Token != "" && e.TokenFile != "":
				bad("token", "give token or tokenFile, not both")
			case e.Token != "":
				m := envRef.FindStringSubmatch(e.Token)
				if m == nil {
					// Never echo the value: it may be a secret pasted inline.
					bad("token", "must be a reference to an environment variable such as ${ACME_ASTRO_TOKEN}; inline tokens are refused")
					break
				}
				b.TokenRef = e.Token
				if b.Token = strings.TrimSpace(getenv(m[1])); b.Token == "" {
					bad("token", "environment variable %s is empty or unset", m[1])
				}
			case e.TokenFile != "":
				b.TokenRef = "file:" + e.TokenFile
				data, err := readFile(e.TokenFile)
				if err != nil {
					bad("tokenFile", "cannot read it: %v", err)
					break
				}
				if b.Token = strings.TrimSpace(string(data)); b.Token == "" {
					bad("tokenFile", "%s is empty", e.TokenFile)
				}
			}
			out = append(out, b)
		}
		return out
	}
	f.Astro = read("astro", ff.Astro)
	f.Software = read("software", ff.Software)
	if len(f.Astro)+len(f.Software) == 0 {
		errs = append(errs, fmt.Errorf("%s: names no backend: add astro: or software: entries", path))
	}
	return f, errors.Join(errs...)
}

// HasTokens reports whether any backend has a service token.
func (f *Fleet) HasTokens() bool {
	for _, b := range f.Backends() {
		if b.Token != "" {
			return true
		}
	}
	return false
}

// FleetDigest is the digest of the fleet file at path and of the token
// files it names: it changes when the file or a mounted secret changes.
func FleetDigest(path string) ([32]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return [32]byte{}, err
	}
	var ff fleetFile
	_ = yaml.Unmarshal(raw, &ff) // an unreadable file still has a digest
	return fleetDigest(raw, ff, os.ReadFile), nil
}

func fleetDigest(raw []byte, ff fleetFile, readFile func(string) ([]byte, error)) [32]byte {
	h := sha256.New()
	h.Write(raw)
	for _, e := range append(append([]fleetEntry{}, ff.Astro...), ff.Software...) {
		if e.TokenFile == "" {
			continue
		}
		h.Write([]byte{0})
		h.Write([]byte(e.TokenFile))
		if b, err := readFile(e.TokenFile); err == nil {
			h.Write([]byte{1})
			h.Write(b)
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}
