package gateway

import (
	"errors"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// Shared builds what outlives requests — limiters, cache, metrics — from the
// configuration: in process, or in Redis when cfg.RedisURL is set, so that
// every replica shares one budget per token and one cache. The returned
// func releases them.
func Shared(cfg config.Config) (BackendOptions, func(), error) {
	o := BackendOptions{Timeout: cfg.UpstreamTimeout, Metrics: metrics.New()}
	astroLimits := limits(cfg.AstroLimits)
	houstonLimits := limits(cfg.HoustonLimits)
	closeFn := func() {}
	if cfg.RedisURL != "" {
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return o, closeFn, errors.New("REDIS_URL: not a valid Redis URL")
		}
		// Fail fast when Redis is away: every admission and cache read
		// asks it, and the fallback takes over on the first error.
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = time.Second, time.Second, time.Second, time.Second
		// One retry, on a fresh connection: after a Redis restart every
		// pooled connection fails once, and that must not read as an
		// outage. Dials are not retried, so a Redis that is gone fails fast.
		opt.MaxRetries, opt.DialerRetries = 1, 1
		rdb := redis.NewClient(opt)
		// An unreachable Redis does not stop the gateway: it starts
		// degraded, in process, and moves to Redis when it answers.
		so := limiter.SharedOptions{Attempt: cfg.UpstreamTimeout, Replicas: cfg.RedisFallbackReplicas, Logger: slog.Default()}
		so.Name = "astro"
		astroLim := limiter.NewShared(rdb, astroLimits, so)
		closers := []func(){astroLim.Close}
		o.AstroLimiter = astroLim
		// Creates' keys have no fallback: a key kept in one replica's
		// memory would not stop another replica from creating again.
		o.Idempotency = idempotency.NewRedis(rdb, idempotency.DefaultTTL)
		if cfg.HoustonLimits != [3]int{} {
			so.Name = "houston"
			houstonLim := limiter.NewShared(rdb, houstonLimits, so)
			closers = append(closers, houstonLim.Close)
			o.HoustonLimiter = houstonLim
		}
		o.Health = func() string {
			if astroLim.Degraded() {
				return "Redis unreachable: rate limits and cache in process, with a share of each budget"
			}
			return ""
		}
		if cfg.CacheTTL > 0 {
			o.Cache = &cache.Fallback{Shared: cache.NewRedis(rdb, cfg.CacheTTL), Local: cache.NewLocal(cfg.CacheSize, cfg.CacheTTL),
				Healthy: func() bool { return !astroLim.Degraded() }}
		}
		closeFn = func() {
			for _, c := range closers {
				c()
			}
			_ = rdb.Close()
		}
		return o, closeFn, nil
	}
	o.AstroLimiter = limiter.New(astroLimits)
	o.Idempotency = idempotency.NewMemory(idempotency.DefaultTTL)
	if cfg.HoustonLimits != [3]int{} {
		o.HoustonLimiter = limiter.New(houstonLimits)
	}
	if cfg.CacheTTL > 0 {
		o.Cache = cache.NewLocal(cfg.CacheSize, cfg.CacheTTL)
	}
	return o, closeFn, nil
}

func limits(l [3]int) limiter.Limits {
	return limiter.Limits{Read: l[0], Write: l[1], Delete: l[2], Window: time.Second}
}
