package limiter

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redisServer starts a real redis-server on a free loopback port and
// returns a client of it, or skips when none is installed (CI sets
// REQUIRE_REDIS=1, so there it fails instead). stop kills the server.
func redisServer(t *testing.T) (rdb *redis.Client, addr string, stop func()) {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("REQUIRE_REDIS") != "" {
			t.Fatal("REQUIRE_REDIS is set but redis-server is not installed")
		}
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr = ln.Addr().String()
	require.NoError(t, ln.Close())
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("redis-server did not start")
	}
	var once sync.Once
	stop = func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	rdb = redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, addr, stop
}

func TestRedisArrivalsNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	rdb, _, _ := redisServer(t)
	limits := Limits{Read: 5, Window: 100 * time.Millisecond}
	// Two replicas share one budget.
	a, b := NewRedis(rdb, limits, time.Second), NewRedis(rdb, limits, time.Second)
	u := &upstream{}
	var wg sync.WaitGroup
	for i := range 12 {
		w := Waiter(a)
		if i%2 == 1 {
			w = b
		}
		wg.Go(func() {
			for range 5 {
				u.call(t, w, fmt.Sprint("k-", t.Name()), "GET", 25*time.Millisecond)
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, u.peak(limits.Window), 5)
}

func TestRedisInFlightPlaceFailsFast(t *testing.T) {
	t.Parallel()
	rdb, _, _ := redisServer(t)
	l := NewRedis(rdb, Limits{Write: 1, Window: 300 * time.Millisecond}, time.Second)
	release, err := l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = l.Acquire(ctx, "k", "POST")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.InDelta(t, 300*time.Millisecond, we.RetryAfter, float64(50*time.Millisecond))
	release()
	released := time.Now()
	release, err = l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)
	release()
	assert.GreaterOrEqual(t, time.Since(released), 250*time.Millisecond)
}
