package houstonsim

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Deployment logs are not stored: they are a function of time. Each
// component of a deployment writes one line per log interval, at instants
// on a fixed grid (k × interval from the Unix epoch, each component offset
// by a quarter interval so that lines never share a timestamp), from the
// deployment's creation on. A line's id and text depend only on the
// deployment, the component and k, so the logs query and the log
// subscription agree, and the same clock gives the same lines.

// Limits of the logs query, as in Houston 2019: the newest 800 matching
// lines; and how far back lines exist, per component.
const (
	maxLogLines  = 800
	logRetention = 2000 // lines per component
)

// logComponents lists the components in the order their lines interleave.
const logComponents = "scheduler webserver worker triggerer"

// logBook generates log lines on the grid its interval defines.
type logBook struct {
	interval time.Duration
	now      func() time.Time
}

// logFilter narrows the lines: component "" means every component, search
// "" every line (otherwise a case-insensitive phrase match).
type logFilter struct {
	component string
	search    string
}

// componentsOf lists the components a deployment runs: a scheduler and a
// webserver always, workers unless it runs the LocalExecutor, a triggerer
// when it has triggerer replicas.
func componentsOf(d *model.Deployment) []string {
	out := []string{"scheduler", "webserver"}
	if d.Executor != model.ExecutorTypeLocalExecutor {
		out = append(out, "worker")
	}
	if cfg, ok := d.Config.(map[string]any); ok {
		if t, ok := cfg["triggerer"].(map[string]any); ok {
			if n, ok := t["replicas"].(int); ok && n > 0 {
				out = append(out, "triggerer")
			}
		}
	}
	return out
}

// lines returns the lines of d matching f written in (from, to], at most
// limit of them (the newest), oldest first.
func (b logBook) lines(d *model.Deployment, f logFilter, from, to time.Time, limit int) []*model.DeploymentLog {
	iv := b.interval.Nanoseconds()
	search := strings.ToLower(f.search)
	var out []*model.DeploymentLog
	for ci, comp := range strings.Fields(logComponents) {
		if !slices.Contains(componentsOf(d), comp) || (f.component != "" && f.component != comp) {
			continue
		}
		off := int64(ci) * iv / 4
		hi := floorDiv(to.UnixNano()-off, iv)
		lo := max(floorDiv(from.UnixNano()-off, iv)+1, hi-logRetention+1, ceilDiv(d.CreatedAt.UnixNano()-off, iv))
		n := 0
		for k := hi; k >= lo && n < limit; k-- {
			l := b.line(d, comp, ci, k)
			if search != "" && !strings.Contains(strings.ToLower(*l.Message), search) {
				continue
			}
			out = append(out, l)
			n++
		}
	}
	slices.SortFunc(out, func(a, b *model.DeploymentLog) int { return a.Time.Compare(b.Time) })
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return nonNil(out)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// line makes line k of a component.
func (b logBook) line(d *model.Deployment, comp string, ci int, k int64) *model.DeploymentLog {
	at := time.Unix(0, k*b.interval.Nanoseconds()+int64(ci)*b.interval.Nanoseconds()/4).UTC()
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%d", d.ID, comp, k)
	sum := h.Sum64()
	level, text := logText(d, comp, sum, at)
	msg := "[" + at.Format("2006-01-02T15:04:05.000-0700") + "] " + text
	return &model.DeploymentLog{
		ID:        fmt.Sprintf("%016x", sum),
		Time:      at,
		Message:   &msg,
		Component: ptr(comp),
		Release:   ptr(d.ReleaseName),
		Level:     ptr(level),
	}
}

// logText writes a line in the style of the component's Airflow logs, with
// details drawn from the bits of h.
func logText(d *model.Deployment, comp string, h uint64, at time.Time) (level, text string) {
	bits := func(shift, n uint64) uint64 { return (h >> shift) % n }
	dag := strings.ReplaceAll(d.Label, "-", "_") + []string{"_daily", "_hourly", "_backfill"}[bits(8, 3)]
	task := []string{"extract", "transform", "load", "validate", "notify", "publish"}[bits(16, 6)]
	runID := "scheduled__" + at.Truncate(time.Hour).Format("2006-01-02T15:04:05+00:00")
	switch comp {
	case "scheduler":
		switch bits(0, 10) {
		case 0:
			return "WARNING", fmt.Sprintf("{scheduler_job_runner.py:%d} WARNING - DagFileProcessorManager (PID=%d) last sent a heartbeat %d.%02d seconds ago! Restarting it",
				1500+bits(24, 90), 100+bits(32, 900), 50+bits(40, 30), bits(48, 100))
		case 1, 2, 3:
			return "INFO", fmt.Sprintf("{scheduler_job_runner.py:%d} INFO - %d tasks up for execution:", 400+bits(24, 40), 1+bits(32, 5))
		case 4, 5, 6:
			return "INFO", fmt.Sprintf("{scheduler_job_runner.py:%d} INFO - Sending TaskInstanceKey(dag_id='%s', task_id='%s', run_id='%s', try_number=1, map_index=-1) to executor with priority %d and queue default",
				600+bits(24, 40), dag, task, runID, 1+bits(32, 9))
		case 7:
			return "INFO", fmt.Sprintf("{dagrun.py:%d} INFO - Marking run <DagRun %s @ %s: %s, state:running, queued_at: %s. externally triggered: False> successful",
				700+bits(24, 80), dag, at.Truncate(time.Hour).Format(time.RFC3339), runID, at.Truncate(time.Hour).Format(time.RFC3339))
		default:
			return "INFO", fmt.Sprintf("{manager.py:%d} INFO - Processing files using up to 2 processes at a time ", 480+bits(24, 20))
		}
	case "webserver":
		ip := fmt.Sprintf("10.%d.%d.%d", bits(0, 8), bits(8, 256), bits(16, 256))
		stamp := at.Format("02/Jan/2006:15:04:05 +0000")
		switch bits(24, 4) {
		case 0:
			return "INFO", fmt.Sprintf(`%s - - [%s] "GET /api/v1/dags?limit=100 HTTP/1.1" 200 %d "-" "Mozilla/5.0"`, ip, stamp, 2000+bits(32, 9000))
		case 1:
			return "INFO", fmt.Sprintf(`%s - - [%s] "GET /dags/%s/grid HTTP/1.1" 200 %d "-" "Mozilla/5.0"`, ip, stamp, dag, 8000+bits(32, 9000))
		default:
			return "INFO", fmt.Sprintf(`%s - - [%s] "GET /health HTTP/1.1" 200 %d "-" "kube-probe/1.27"`, ip, stamp, 280+bits(32, 20))
		}
	case "worker":
		switch bits(0, 20) {
		case 0:
			return "ERROR", fmt.Sprintf("{taskinstance.py:%d} ERROR - Task failed with exception: ConnectionError: could not reach the %s source (attempt %d of 3)",
				2600+bits(24, 100), task, 1+bits(32, 3))
		case 1, 2, 3, 4, 5, 6:
			return "INFO", fmt.Sprintf("{taskinstance.py:%d} INFO - Executing <Task(PythonOperator): %s> on %s", 1300+bits(24, 100), task, at.Truncate(time.Hour).Format(time.RFC3339))
		case 7, 8, 9, 10, 11, 12:
			return "INFO", fmt.Sprintf("{taskinstance.py:%d} INFO - Marking task as SUCCESS. dag_id=%s, task_id=%s, run_id=%s", 1100+bits(24, 100), dag, task, runID)
		default:
			return "INFO", fmt.Sprintf("{local_task_job_runner.py:%d} INFO - Task exited with return code 0", 220+bits(24, 20))
		}
	default: // triggerer
		if bits(0, 3) == 0 {
			return "INFO", fmt.Sprintf("{triggerer_job_runner.py:%d} INFO - Trigger <airflow.triggers.temporal.DateTimeTrigger moment=%s> (ID %d) fired",
				600+bits(24, 30), at.Format(time.RFC3339), 1+bits(32, 500))
		}
		return "INFO", fmt.Sprintf("{triggerer_job_runner.py:%d} INFO - %d triggers currently running", 480+bits(24, 30), bits(32, 6))
	}
}

// logsFor answers the logs query: the newest maxLogLines lines after
// timestamp (the zero time: from the beginning), oldest first.
func (s *store) logsFor(p *principal, book logBook, deploymentID string, f logFilter, after time.Time) ([]*model.DeploymentLog, error) {
	s.mu.RLock()
	d, err := s.deploymentLocked(p, deploymentID, permDeploymentLogsGet, permSystemDeploymentsLogs)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return book.lines(d, f, after, book.now(), maxLogLines), nil
}

// followLogs answers the log subscription: every interval it sends the
// lines written since the previous tick, oldest first, starting from now.
// The channel closes when ctx is done or the deployment is deleted.
func (s *store) followLogs(ctx context.Context, p *principal, book logBook, deploymentID string, f logFilter) (<-chan *model.DeploymentLog, error) {
	s.mu.RLock()
	_, err := s.deploymentLocked(p, deploymentID, permDeploymentLogsGet, permSystemDeploymentsLogs)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	ch := make(chan *model.DeploymentLog, 16)
	go func() {
		defer close(ch)
		tick := time.NewTicker(book.interval)
		defer tick.Stop()
		last := book.now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			d := s.deployment(deploymentID)
			if d == nil {
				return
			}
			now := book.now()
			for _, l := range book.lines(d, f, last, now, logRetention) {
				select {
				case ch <- l:
				case <-ctx.Done():
					return
				}
			}
			last = now
		}
	}()
	return ch, nil
}
