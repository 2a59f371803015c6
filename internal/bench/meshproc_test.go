package bench

// Processes, /proc readings and the load driver of TestMeshComparison.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// proc is a process the comparison started, in a process group of its own
// so that stopping it stops whatever it started.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// startProc starts bin with args and env added to this process's
// environment; its output goes to a log file in dir.
func startProc(t *testing.T, dir, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	out, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start(), "start %s", name)
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = out.Close()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p
}

// stop ends the process group gently, then for good after 10 s.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// tail is the end of the process's output, for failure messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// freeAddr is a loopback address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// awaitPOST waits until a POST of { __typename } to url is answered with
// a 200 (by a GraphQL endpoint, or by a simulator's /_sim/reset), or fails
// the test with the process's output.
func awaitPOST(t *testing.T, p *proc, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("%s exited:\n%s", p.name, p.tail())
		default:
		}
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"query":"{ __typename }"}`))
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not answer at %s within %s:\n%s", p.name, url, timeout, p.tail())
}

// usage is what /proc says about a process and its descendants: CPU time
// (user and system) and resident memory, now and at its peak (VmHWM).
type usage struct {
	cpu      time.Duration
	rss, hwm int64 // bytes
}

// treeUsage sums usage over pid and every live descendant of it (Hive
// Gateway may fork workers; the Go gateway has none).
func treeUsage(pid int) (usage, error) {
	children := map[int][]int{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return usage{}, err
	}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(p); err == nil {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	var u usage
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		st, err := readStat(p)
		if err != nil {
			if p == pid {
				return usage{}, err
			}
			continue
		}
		u.cpu += st.cpu
		rss, hwm, err := readMem(p)
		if err == nil {
			u.rss += rss
			u.hwm += hwm
		}
		queue = append(queue, children[p]...)
	}
	return u, nil
}

type procStat struct {
	ppid int
	cpu  time.Duration
}

// clockTick is USER_HZ, 100 on every Linux this runs on.
const clockTick = 100

// readStat reads the parent and the CPU time (utime+stime) of pid from
// /proc/<pid>/stat.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name, in parentheses, may hold spaces: fields count from
	// the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return procStat{}, errors.New("short stat")
	}
	ppid, _ := strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{ppid: ppid, cpu: time.Duration(ut+stime) * time.Second / clockTick}, nil
}

// readMem reads VmRSS and VmHWM of pid from /proc/<pid>/status, in bytes.
func readMem(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if k == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm, nil
}

// sim is a simulator's side door.
type sim string

func (s sim) reset(t *testing.T) {
	t.Helper()
	resp, err := http.Post(string(s)+"/_sim/reset", "application/json", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
}

func (s sim) requests(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(string(s) + "/_sim/stats")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st struct{ Requests int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	return st.Requests
}

// request is one prepared GraphQL POST: its body and headers.
type request struct {
	body    []byte
	headers map[string]string
}

func newRequest(t *testing.T, query string, vars map[string]any, headers map[string]string) request {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return request{body: body, headers: headers}
}

// do sends r to url and returns the body; a status other than 200 or a
// response with errors is an error.
func (r request) do(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("status %d: %.300s", resp.StatusCode, body)
	}
	if bytes.Contains(body, []byte(`"errors":`)) {
		return body, fmt.Errorf("errors: %.300s", body)
	}
	return body, nil
}

// runResult is one load run against one gateway.
type runResult struct {
	queries, errors int
	firstErr        error
	elapsed         time.Duration
	p50, p99        time.Duration
	upstream        int           // requests both simulators served
	cpu             time.Duration // the gateway's CPU time during the run
	peakRSS         int64         // the highest VmRSS sampled during the run
}

func (r runResult) rps() float64 { return float64(r.queries) / r.elapsed.Seconds() }

func (r runResult) callsPerQuery() float64 {
	return float64(r.upstream) / float64(max(r.queries, 1))
}

func (r runResult) cpuPer1000() float64 {
	return r.cpu.Seconds() * 1000 / float64(max(r.queries, 1))
}

// load runs len(reqs) clients against url for d, client i sending reqs[i]
// again and again, each waiting for its answer before the next. Every
// query issued before the deadline is awaited, so the simulators' counts
// belong to exactly the queries counted.
func load(t *testing.T, url string, pid int, sims []sim, reqs []request, d time.Duration) runResult {
	t.Helper()
	for _, s := range sims {
		s.reset(t)
	}
	tr := &http.Transport{MaxIdleConns: len(reqs), MaxIdleConnsPerHost: len(reqs), IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}

	before, err := treeUsage(pid)
	require.NoError(t, err)
	var res runResult
	stopSampling := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		peak := before.rss
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				sampled <- peak
				return
			case <-tick.C:
				if u, err := treeUsage(pid); err == nil {
					peak = max(peak, u.rss)
				}
			}
		}
	}()

	var (
		mu        sync.Mutex
		latencies []time.Duration
		wg        sync.WaitGroup
	)
	begin := time.Now()
	deadline := begin.Add(d)
	for _, r := range reqs {
		wg.Go(func() {
			var mine []time.Duration
			var errs int
			var first error
			for time.Now().Before(deadline) {
				t0 := time.Now()
				_, err := r.do(context.Background(), client, url)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(begin)
	after, err := treeUsage(pid)
	require.NoError(t, err)
	close(stopSampling)
	res.peakRSS = max(<-sampled, after.rss)
	res.cpu = after.cpu - before.cpu
	for _, s := range sims {
		res.upstream += s.requests(t)
	}
	res.queries = len(latencies)
	if len(latencies) > 0 {
		slices.Sort(latencies)
		pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
		res.p50, res.p99 = pct(0.50), pct(0.99)
	}
	return res
}
