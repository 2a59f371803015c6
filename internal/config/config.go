// Package config reads the gateway's configuration from the environment and
// flags, with documented defaults, and validates all of it at once.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the gateway's configuration. The zero value is not valid; use
// [Load] or [Default].
type Config struct {
	// Listen is the address to serve on. Env PORT (":<PORT>") or flag
	// -listen. Default ":8080".
	Listen string
	// AstroAPIURL is the Astro API base, such as https://api.astronomer.io/v1.
	// Env ASTRO_API_URL. Empty: no Astro backend.
	AstroAPIURL string
	// HoustonURL is the Houston GraphQL endpoint, such as
	// https://houston.example.com/v1. Env HOUSTON_URL. Empty: no Software
	// backend.
	HoustonURL string
	// AstroAPIToken and HoustonAPIToken are service tokens used for callers
	// that authenticated with a gateway key and sent no token of their own.
	// Env ASTRO_API_TOKEN, HOUSTON_API_TOKEN. They require GatewayKeys.
	AstroAPIToken   string
	HoustonAPIToken string
	// GatewayKeys are the keys callers present in X-Gateway-Key to use the
	// service tokens. Env GATEWAY_KEYS, comma-separated.
	GatewayKeys []string
	// CORSAllowedOrigins are the browser origins allowed to call the
	// gateway. Env CORS_ALLOWED_ORIGINS, comma-separated; "*" allows any
	// origin (without credentials). Default: none (same origin only).
	CORSAllowedOrigins []string
	// CORSAllowedHeaders are the request headers a browser app may send
	// across origins. Env CORS_ALLOWED_HEADERS, comma-separated, replaces
	// the default: the gateway's own (Content-Type, Authorization, the
	// token headers, X-Gateway-Key, Cache-Control) and those of common
	// clients (traceparent, tracestate, baggage,
	// apollographql-client-name, apollographql-client-version,
	// X-Request-Id) and graphql-sse's X-GraphQL-Event-Stream-Token.
	CORSAllowedHeaders []string
	// LoaderWait is the dataloaders' batch window. Env LOADER_WAIT. Default 1ms.
	LoaderWait time.Duration
	// UpstreamTimeout bounds one upstream attempt on the wire (not the wait
	// for a rate-limit slot, nor retries). Env UPSTREAM_TIMEOUT.
	// Default 30s.
	UpstreamTimeout time.Duration
	// RequestTimeout bounds a whole GraphQL request. Env REQUEST_TIMEOUT.
	// Default 60s.
	RequestTimeout time.Duration
	// RedisURL, when set, puts the limiter and the cache in Redis, shared by
	// every replica (redis://host:6379/0). Env REDIS_URL.
	RedisURL string
	// CacheTTL is how long an upstream read is reused. Env CACHE_TTL.
	// Default 5s; 0 turns the cache off (concurrent reads are still shared).
	CacheTTL time.Duration
	// CacheSize bounds the in-process caches' entries (upstream answers and
	// whole responses, each). Env CACHE_SIZE. Default 10000.
	CacheSize int
	// CacheMaxBytes bounds the bytes of whole responses kept in process.
	// Env CACHE_MAX_BYTES. Default 64 MiB.
	CacheMaxBytes int64
	// ResponseCache keeps whole query responses (with a cache TTL above 0).
	// Env RESPONSE_CACHE (true or false). Default true.
	ResponseCache bool
	// DecodedCache keeps decoded upstream answers in process, in front of
	// the byte cache (with a cache TTL above 0). Env DECODED_CACHE (true or
	// false). Default true.
	DecodedCache bool
	// AstroLimits are requests per second per token for GET/POST/DELETE.
	// Env ASTRO_RATE_LIMITS ("25/10/5"). Default Astro's documented limits.
	AstroLimits [3]int
	// HoustonLimits likewise for Houston. Env HOUSTON_RATE_LIMITS. Default
	// none (0/0/0: unlimited).
	HoustonLimits [3]int
	// LogPollInterval is how often a deploymentLogs subscription polls an
	// Astro deployment's logs (one GET each time, within the caller's rate
	// budget). Env LOG_POLL_INTERVAL. Default 5s; at least 1s.
	LogPollInterval time.Duration
	// RedisFallbackReplicas is the replica count whose share of each rate
	// budget a replica keeps while Redis is unreachable. Env
	// REDIS_FALLBACK_REPLICAS. Default 0: the replicas last seen through
	// Redis (each replica records its presence there every second).
	RedisFallbackReplicas int
	// PprofAddr, when set, serves Go's profiler (net/http/pprof) on this
	// address, such as 127.0.0.1:6060: never on the gateway's own port.
	// Env PPROF_ADDR. Default off.
	PprofAddr string
	// DemoDataset is the simulators' dataset in demo mode (small or bench).
	// Env DEMO_DATASET, flag -demo-dataset. Default "small".
	DemoDataset string
	// Limits bound what one request may ask of the gateway.
	Limits Limits
	// ConfigFile is the fleet configuration file (docs/fleet.md). Env
	// GATEWAY_CONFIG, flag -config. Empty: the environment names at most
	// one Astro and one Software backend.
	ConfigFile string
	// Fleet is the fleet read from ConfigFile; nil without one.
	Fleet *Fleet
}

// Demo reports whether no backend is configured, so the gateway runs its
// embedded simulators.
func (c *Config) Demo() bool { return c.AstroAPIURL == "" && c.HoustonURL == "" && c.Fleet == nil }

// DefaultCORSAllowedHeaders returns the default of
// [Config.CORSAllowedHeaders].
func DefaultCORSAllowedHeaders() []string {
	return []string{
		"Content-Type", "Authorization", "X-Astro-Token", "X-Astro-Organization-Id", "X-Houston-Token", "X-Gateway-Key", "Cache-Control",
		"traceparent", "tracestate", "baggage", "apollographql-client-name", "apollographql-client-version", "X-Request-Id",
		"X-GraphQL-Event-Stream-Token",
	}
}

// Default returns the configuration with every default applied.
func Default() Config {
	return Config{
		Listen:             ":8080",
		CORSAllowedHeaders: DefaultCORSAllowedHeaders(),
		LoaderWait:         time.Millisecond,
		UpstreamTimeout:    30 * time.Second,
		RequestTimeout:     60 * time.Second,
		DemoDataset:        "small",
		CacheTTL:           5 * time.Second,
		CacheSize:          10000,
		CacheMaxBytes:      64 << 20,
		ResponseCache:      true,
		DecodedCache:       true,
		AstroLimits:        [3]int{25, 10, 5},
		LogPollInterval:    5 * time.Second,
		Limits:             DefaultLimits(),
	}
}

// Load reads getenv, then args (flags win), and validates the result. All
// problems are reported together.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Default()
	var errs []error
	if p := getenv("PORT"); p != "" {
		c.Listen = ":" + p
	}
	c.AstroAPIURL = strings.TrimSpace(getenv("ASTRO_API_URL"))
	c.HoustonURL = strings.TrimSpace(getenv("HOUSTON_URL"))
	c.AstroAPIToken = getenv("ASTRO_API_TOKEN")
	c.HoustonAPIToken = getenv("HOUSTON_API_TOKEN")
	c.GatewayKeys = list(getenv("GATEWAY_KEYS"))
	c.CORSAllowedOrigins = list(getenv("CORS_ALLOWED_ORIGINS"))
	if v := list(getenv("CORS_ALLOWED_HEADERS")); len(v) > 0 {
		c.CORSAllowedHeaders = v
	}
	c.RedisURL = getenv("REDIS_URL")
	c.PprofAddr = getenv("PPROF_ADDR")
	c.ConfigFile = getenv("GATEWAY_CONFIG")
	if v := getenv("CACHE_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("CACHE_SIZE: %q is not a positive number", v))
		}
		c.CacheSize = n
	}
	if v := getenv("RESPONSE_CACHE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("RESPONSE_CACHE: %q is not true or false", v))
		}
		c.ResponseCache = b
	}
	if v := getenv("DECODED_CACHE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("DECODED_CACHE: %q is not true or false", v))
		}
		c.DecodedCache = b
	}
	if v := getenv("CACHE_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("CACHE_MAX_BYTES: %q is not a positive number of bytes", v))
		}
		c.CacheMaxBytes = n
	}
	for name, dst := range map[string]*[3]int{"ASTRO_RATE_LIMITS": &c.AstroLimits, "HOUSTON_RATE_LIMITS": &c.HoustonLimits} {
		if v := getenv(name); v != "" {
			l, err := parseLimits(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			*dst = l
		}
	}
	if v := getenv("REDIS_FALLBACK_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("REDIS_FALLBACK_REPLICAS: %q is not a positive number", v))
		}
		c.RedisFallbackReplicas = n
	}
	if v := getenv("DEMO_DATASET"); v != "" {
		c.DemoDataset = v
	}
	for name, dst := range map[string]*time.Duration{"LOADER_WAIT": &c.LoaderWait, "UPSTREAM_TIMEOUT": &c.UpstreamTimeout, "REQUEST_TIMEOUT": &c.RequestTimeout, "CACHE_TTL": &c.CacheTTL, "LOG_POLL_INTERVAL": &c.LogPollInterval} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a duration such as 1ms or 30s", name, v))
				continue
			}
			*dst = d
		}
	}

	errs = append(errs, c.Limits.load(getenv)...)

	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	c.Limits.flags(fs)
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to serve on (env PORT)")
	fs.StringVar(&c.DemoDataset, "demo-dataset", c.DemoDataset, "simulator dataset in demo mode: small or bench")
	fs.StringVar(&c.ConfigFile, "config", c.ConfigFile, "fleet configuration file, YAML (env GATEWAY_CONFIG)")
	if err := fs.Parse(args); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, c.Limits.validate()...)
	}
	if c.ConfigFile != "" {
		f, err := LoadFleet(c.ConfigFile, getenv, nil)
		if err != nil {
			errs = append(errs, err)
		}
		c.Fleet = f
	}
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

func (c *Config) validate() []error {
	var errs []error
	for name, v := range map[string]string{"ASTRO_API_URL": c.AstroAPIURL, "HOUSTON_URL": c.HoustonURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an absolute http(s) URL", name, v))
		}
	}
	if c.Fleet != nil {
		if c.AstroAPIURL != "" || c.HoustonURL != "" || c.AstroAPIToken != "" || c.HoustonAPIToken != "" {
			errs = append(errs, fmt.Errorf("%s: a fleet configuration file replaces ASTRO_API_URL, HOUSTON_URL and their tokens: unset them", c.Fleet.File))
		}
		if c.Fleet.HasTokens() && len(c.GatewayKeys) == 0 {
			errs = append(errs, fmt.Errorf("%s: service tokens are configured but GATEWAY_KEYS is empty: the gateway would hand them to anyone; set GATEWAY_KEYS", c.Fleet.File))
		}
	}
	if (c.AstroAPIToken != "" || c.HoustonAPIToken != "") && len(c.GatewayKeys) == 0 {
		errs = append(errs, errors.New("ASTRO_API_TOKEN/HOUSTON_API_TOKEN are set but GATEWAY_KEYS is empty: the gateway would hand its service tokens to anyone; set GATEWAY_KEYS"))
	}
	if c.AstroAPIToken != "" && c.AstroAPIURL == "" {
		errs = append(errs, errors.New("ASTRO_API_TOKEN is set without ASTRO_API_URL"))
	}
	if c.HoustonAPIToken != "" && c.HoustonURL == "" {
		errs = append(errs, errors.New("HOUSTON_API_TOKEN is set without HOUSTON_URL"))
	}
	if c.DemoDataset != "small" && c.DemoDataset != "bench" {
		errs = append(errs, fmt.Errorf("DEMO_DATASET: %q is not small or bench", c.DemoDataset))
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, errors.New("REDIS_URL: not a redis:// or rediss:// URL"))
		}
	}
	if c.Listen == "" {
		errs = append(errs, errors.New("listen address is empty"))
	}
	if c.LogPollInterval < time.Second {
		errs = append(errs, fmt.Errorf("LOG_POLL_INTERVAL: %s is under 1s: every poll costs a request of the caller's rate budget", c.LogPollInterval))
	}
	return errs
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseLimits reads "GET/POST/DELETE" per second, such as "25/10/5".
func parseLimits(s string) ([3]int, error) {
	var out [3]int
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return out, fmt.Errorf("%q is not GET/POST/DELETE per second, such as 25/10/5", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return out, fmt.Errorf("%q is not GET/POST/DELETE per second, such as 25/10/5", s)
		}
		out[i] = n
	}
	return out, nil
}
