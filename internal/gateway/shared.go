package gateway

import (
	"context"
	"fmt"
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
			return o, closeFn, fmt.Errorf("REDIS_URL: %w", err)
		}
		rdb := redis.NewClient(opt)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := rdb.Ping(ctx).Err(); err != nil {
			_ = rdb.Close()
			return o, closeFn, fmt.Errorf("REDIS_URL: %w", err)
		}
		closeFn = func() { _ = rdb.Close() }
		o.AstroLimiter = limiter.NewRedis(rdb, astroLimits)
		o.Idempotency = idempotency.NewRedis(rdb, idempotency.DefaultTTL)
		if cfg.HoustonLimits != [3]int{} {
			o.HoustonLimiter = limiter.NewRedis(rdb, houstonLimits)
		}
		if cfg.CacheTTL > 0 {
			o.Cache = cache.NewRedis(rdb, cfg.CacheTTL)
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
	return limiter.Limits{Read: l[0], Write: l[1], Delete: l[2], Window: time.Second, Margin: limiter.AstroLimits.Margin}
}
