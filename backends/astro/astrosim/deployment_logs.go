package astrosim

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Log generation. A Deployment's logs are a pure function of its id and
// the time: each source writes at a fixed period with a phase drawn from
// the id, and the text of an entry is drawn from a hash of the id, source
// and second. So the same window always gives the same entries, whatever
// the request, and pages of one search never overlap or skip.
const (
	logRetention = 15 * 24 * time.Hour // older entries do not exist
)

// logSources are the spec's log sources with the period at which the
// simulator writes a line for each.
func logSources() map[string]int64 {
	return map[string]int64{"scheduler": 20, "triggerer": 60, "worker": 15, "webserver": 30, "dag-processor": 45, "apiserver": 30}
}

// logEntry is the spec's DeploymentLogEntry.
type logEntry struct {
	Raw       string  `json:"raw"`
	Source    string  `json:"source"`
	Timestamp float64 `json:"timestamp"`
}

// deploymentLog is the spec's DeploymentLog.
type deploymentLog struct {
	Limit         int        `json:"limit"`
	MaxNumResults int        `json:"maxNumResults"`
	Offset        int        `json:"offset"`
	ResultCount   int        `json:"resultCount"`
	Results       []logEntry `json:"results"`
	SearchID      string     `json:"searchId"`
}

// logQuery is a validated GetDeploymentLogs query.
type logQuery struct {
	sources            []string
	text               string
	start, end         time.Time
	offset, limit, max int
}

func parseLogQuery(q url.Values, now time.Time) (logQuery, *apiError) {
	var lq logQuery
	periods := logSources()
	for _, src := range q["sources"] {
		if _, ok := periods[src]; !ok {
			return lq, invalidParam("sources", "oneof", "has an invalid value '%s'; allowed values are scheduler, triggerer, worker, webserver, dag-processor, apiserver", src)
		}
		if !slices.Contains(lq.sources, src) {
			lq.sources = append(lq.sources, src)
		}
	}
	if len(lq.sources) == 0 {
		return lq, invalidParam("sources", "required", "is required: give at least one log source")
	}
	var err *apiError
	if lq.limit, err = intParam(q, "limit", 500, 1, noMaxLimit); err != nil {
		return lq, err
	}
	if lq.offset, err = intParam(q, "offset", 0, 0, noMaxLimit); err != nil {
		return lq, err
	}
	if lq.max, err = intParam(q, "maxNumResults", 10000, 1, noMaxLimit); err != nil {
		return lq, err
	}
	rng, err := intParam(q, "range", 3600, 60, noMaxLimit)
	if err != nil {
		return lq, err
	}
	lq.text = strings.ToLower(q.Get("searchText"))
	sd, ed := q.Get("startDate"), q.Get("endDate")
	switch {
	case q.Get("searchId") != "":
		var ok bool
		if lq.start, lq.end, ok = parseSearchID(q.Get("searchId")); !ok {
			return lq, invalidParam("searchId", "searchId", "is not a searchId this API returned: '%s'", q.Get("searchId"))
		}
	case sd != "" || ed != "":
		if sd == "" || ed == "" {
			return lq, invalidParam("startDate", "required_with", "and endDate must be given together")
		}
		if lq.start, err = timeParam(sd, "startDate", now); err != nil {
			return lq, err
		}
		if lq.end, err = timeParam(ed, "endDate", now); err != nil {
			return lq, err
		}
		if !lq.end.After(lq.start) {
			return lq, invalidParam("endDate", "gtfield", "must be after startDate")
		}
	default:
		lq.start, lq.end = now.Add(-time.Duration(rng)*time.Second), now
	}
	return lq, nil
}

// searchID encodes the window of a search, so that later pages read the
// same window even as time moves on.
func searchID(start, end time.Time) string {
	return "s" + strconv.FormatInt(start.UnixMilli(), 36) + "-" + strconv.FormatInt(end.UnixMilli(), 36)
}

func parseSearchID(id string) (start, end time.Time, ok bool) {
	a, b, found := strings.Cut(strings.TrimPrefix(id, "s"), "-")
	if !found || !strings.HasPrefix(id, "s") {
		return start, end, false
	}
	s, err1 := strconv.ParseInt(a, 36, 64)
	e, err2 := strconv.ParseInt(b, 36, 64)
	if err1 != nil || err2 != nil || e < s {
		return start, end, false
	}
	return time.UnixMilli(s).UTC(), time.UnixMilli(e).UTC(), true
}

// getDeploymentLogs serves GetDeploymentLogs. The operation declares no
// 404, so an unknown deployment is a 400.
func (s *Sim) getDeploymentLogs(c *call) {
	lq, err := parseLogQuery(c.r.URL.Query(), c.now)
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.logs.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(without404(err))
		return
	}
	out := deploymentLog{Limit: lq.limit, Offset: lq.offset, MaxNumResults: lq.max, SearchID: searchID(lq.start, lq.end)}
	out.Results = generateLogs(d, lq, c.now)
	out.ResultCount = len(out.Results)
	c.json(http.StatusOK, out)
}

// generateLogs returns the entries [offset, offset+limit) of the window's
// matching entries, oldest first, among the first maxNumResults.
func generateLogs(d *deployment, lq logQuery, now time.Time) []logEntry {
	start := lq.start
	created, _ := time.Parse(time.RFC3339, d.CreatedAt)
	start = maxTime(start, created, now.Add(-logRetention))
	end := lq.end
	if end.After(now) {
		end = now
	}
	stop := min(lq.offset+lq.limit, lq.max)
	results := []logEntry{}
	if !end.After(start) || lq.offset >= stop {
		return results
	}
	airflow3 := strings.HasPrefix(d.AirflowVersion, "3.")
	type stream struct {
		src           string
		period, phase int64
		next          int64 // unix seconds of the next line
	}
	var streams []*stream
	periods := logSources()
	for _, src := range lq.sources {
		if (src == "webserver" && airflow3) || (src == "apiserver" && !airflow3) {
			continue // Airflow 3 serves its UI from the API server
		}
		p := periods[src]
		phase := int64(hash(d.ID, src) % uint64(p))
		first := start.Unix()
		k := (first - phase + p - 1) / p
		streams = append(streams, &stream{src: src, period: p, phase: phase, next: k*p + phase})
	}
	matched := 0
	for len(streams) > 0 && matched < stop {
		i := 0
		for j, st := range streams {
			if st.next < streams[i].next || (st.next == streams[i].next && st.src < streams[i].src) {
				i = j
			}
		}
		st := streams[i]
		if st.next >= end.Unix() {
			break
		}
		e := logLine(d, st.src, st.next)
		st.next += st.period
		if lq.text != "" && !strings.Contains(strings.ToLower(e.Raw), lq.text) {
			continue
		}
		if matched >= lq.offset {
			results = append(results, e)
		}
		matched++
	}
	return results
}

func maxTime(ts ...time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func hash(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprint(h, p, "\x00")
	}
	return h.Sum64()
}

// logLine writes the line of source at second sec.
func logLine(d *deployment, src string, sec int64) logEntry {
	h := hash(d.ID, src, sec)
	ms := int64(h % 1000)
	at := time.Unix(sec, ms*int64(time.Millisecond)).UTC()
	level := "INFO"
	switch r := (h >> 10) % 100; {
	case r < 3:
		level = "ERROR"
	case r < 11:
		level = "WARNING"
	}
	dag := d.Name + "_" + []string{"daily", "hourly", "backfill", "sync"}[(h>>20)%4]
	task := []string{"extract", "transform", "load", "validate", "notify"}[(h>>24)%5]
	var file, msg string
	switch src {
	case "scheduler":
		file = "scheduler_job_runner.py:" + strconv.Itoa(400+int(h>>30)%80)
		msg = []string{
			fmt.Sprintf("%d tasks up for execution: <TaskInstance: %s.%s scheduled__%s [scheduled]>", 1+(h>>32)%4, dag, task, at.Format("2006-01-02T15:00:00")),
			fmt.Sprintf("Setting the following tasks to queued state: <TaskInstance: %s.%s>", dag, task),
			fmt.Sprintf("Marking run <DagRun %s @ %s> successful", dag, at.Format("2006-01-02 15:00:00")),
			"Adopting or resetting orphaned tasks for active dag runs",
		}[(h>>36)%4]
	case "worker":
		file = "taskinstance.py:" + strconv.Itoa(1100+int(h>>30)%300)
		msg = []string{
			fmt.Sprintf("Marking task as SUCCESS. dag_id=%s, task_id=%s", dag, task),
			fmt.Sprintf("Executing <Task(PythonOperator): %s> on %s", task, at.Format("2006-01-02")),
			fmt.Sprintf("Task %s.%s retrying after a connection timeout", dag, task),
		}[(h>>36)%3]
	case "triggerer":
		file = "triggerer_job_runner.py:" + strconv.Itoa(500+int(h>>30)%60)
		msg = fmt.Sprintf("%d triggers currently running", (h>>36)%8)
	case "dag-processor":
		file = "processor.py:" + strconv.Itoa(100+int(h>>30)%40)
		msg = fmt.Sprintf("Processing file /usr/local/airflow/dags/%s.py for tasks to queue", d.Name)
	default: // webserver, apiserver
		file = "h11_impl.py:" + strconv.Itoa(470+int(h>>30)%10)
		msg = fmt.Sprintf("10.0.%d.%d - \"GET /api/v%d/dags/%s HTTP/1.1\" 200", (h>>36)%256, (h>>44)%256, 1+int((h>>52)%2), dag)
	}
	if level == "ERROR" {
		msg = fmt.Sprintf("Task failed with exception: dag_id=%s, task_id=%s: connection refused", dag, task)
	}
	raw := fmt.Sprintf("[%s] {%s} %s - %s", at.Format("2006-01-02T15:04:05.000-0700"), file, level, msg)
	return logEntry{Raw: raw, Source: src, Timestamp: float64(at.UnixMilli()) / 1000}
}
