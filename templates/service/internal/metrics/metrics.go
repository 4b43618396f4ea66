// Package metrics keeps the service's Prometheus metrics and serves them in
// the Prometheus text exposition format (version 0.0.4), with the standard
// library only.
//
// HTTP metrics are recorded by the server's middleware:
//
//	http_requests_total{route,method,code}           counter
//	http_request_duration_seconds{route,method}      histogram
//	http_requests_in_flight                          gauge
//
// route is the pattern of the route that served the request, never the
// request's own path, so every label has a small, fixed set of values. The
// runtime metrics (goroutines, heap, GC cycles, GOMEMLIMIT, process start
// time, build information) are read when /metrics is scraped.
package metrics

import (
	"bufio"
	"net/http"
	"runtime"
	rtmetrics "runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ContentType is the media type of the text exposition format 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Buckets are the upper bounds, in seconds, of the latency histogram's
// buckets (Prometheus' defaults: 5ms to 10s); +Inf is implicit.
var Buckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// processStart approximates the process start time: package variables are
// initialised before main runs.
var processStart = time.Now()

// Metrics holds the service's metrics. Its methods are safe for concurrent
// use; the zero value is not usable, create it with New.
type Metrics struct {
	buildInfoName string
	version       string
	commit        string

	inFlight atomic.Int64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[durationKey]*histogram
}

type requestKey struct{ route, method, code string }

type durationKey struct{ route, method string }

// histogram counts observations per bucket (not cumulated: the exposition
// cumulates them), the last entry being the +Inf bucket.
type histogram struct {
	counts []uint64
	sum    float64
	count  uint64
}

// New returns empty metrics for the service named service (its build
// information is exported as SERVICE_build_info) at the given version and
// VCS commit.
func New(service, version, commit string) *Metrics {
	return &Metrics{
		buildInfoName: MetricName(service) + "_build_info",
		version:       version,
		commit:        commit,
		requests:      make(map[requestKey]uint64),
		durations:     make(map[durationKey]*histogram),
	}
}

// MetricName turns s into a valid metric name prefix: every character
// outside [a-zA-Z0-9_] becomes '_', and a leading digit gets a '_' before it.
func MetricName(s string) string {
	var b strings.Builder
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			b.WriteRune(c)
		case c >= '0' && c <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "service"
	}
	return b.String()
}

// RequestStarted counts a request in http_requests_in_flight until the
// matching RequestDone.
func (m *Metrics) RequestStarted() { m.inFlight.Add(1) }

// RequestDone ends a request that RequestStarted counted.
func (m *Metrics) RequestDone() { m.inFlight.Add(-1) }

// ObserveRequest records a served request: route is the pattern of the
// route that served it (a bounded set of values; never the URL path), code
// its status and d the time it took. Methods outside the standard ones are
// recorded as "OTHER", since clients choose them freely.
func (m *Metrics) ObserveRequest(route, method string, code int, d time.Duration) {
	method = normalizeMethod(method)
	seconds := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, strconv.Itoa(code)}]++
	key := durationKey{route, method}
	h := m.durations[key]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(Buckets)+1)}
		m.durations[key] = h
	}
	// The first bucket whose upper bound is >= seconds: bounds are inclusive.
	h.counts[sort.SearchFloat64s(Buckets, seconds)]++
	h.sum += seconds
	h.count++
}

func normalizeMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// ServeHTTP serves the metrics in the text exposition format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	bw := bufio.NewWriter(w)
	m.writeHTTP(bw)
	m.writeRuntime(bw)
	_ = bw.Flush()
}

// writeHTTP writes the HTTP metric families, series sorted by their labels.
func (m *Metrics) writeHTTP(w *bufio.Writer) {
	type requestSeries struct {
		requestKey
		n uint64
	}
	type durationSeries struct {
		durationKey
		histogram
	}
	// Copy under the lock, format outside it.
	m.mu.Lock()
	requests := make([]requestSeries, 0, len(m.requests))
	for k, n := range m.requests {
		requests = append(requests, requestSeries{k, n})
	}
	durations := make([]durationSeries, 0, len(m.durations))
	for k, h := range m.durations {
		durations = append(durations, durationSeries{k, histogram{append([]uint64(nil), h.counts...), h.sum, h.count}})
	}
	m.mu.Unlock()

	sort.Slice(requests, func(i, j int) bool {
		a, b := requests[i], requests[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	sort.Slice(durations, func(i, j int) bool {
		a, b := durations[i], durations[j]
		if a.route != b.route {
			return a.route < b.route
		}
		return a.method < b.method
	})

	header(w, "http_requests_total", "counter", "HTTP requests served, by route pattern, method and status code.")
	for _, s := range requests {
		sample(w, "http_requests_total", labels("route", s.route, "method", s.method, "code", s.code), strconv.FormatUint(s.n, 10))
	}

	header(w, "http_request_duration_seconds", "histogram", "Time to serve HTTP requests, by route pattern and method.")
	for _, h := range durations {
		var cumulative uint64
		for i, bound := range Buckets {
			cumulative += h.counts[i]
			sample(w, "http_request_duration_seconds_bucket",
				labels("route", h.route, "method", h.method, "le", formatFloat(bound)), strconv.FormatUint(cumulative, 10))
		}
		sample(w, "http_request_duration_seconds_bucket",
			labels("route", h.route, "method", h.method, "le", "+Inf"), strconv.FormatUint(h.count, 10))
		sample(w, "http_request_duration_seconds_sum", labels("route", h.route, "method", h.method), formatFloat(h.sum))
		sample(w, "http_request_duration_seconds_count", labels("route", h.route, "method", h.method), strconv.FormatUint(h.count, 10))
	}

	header(w, "http_requests_in_flight", "gauge", "HTTP requests being served.")
	sample(w, "http_requests_in_flight", "", strconv.FormatInt(m.inFlight.Load(), 10))
}

// runtimeSamples are the runtime/metrics values exported, with the
// names the Prometheus Go client gives them.
var runtimeSamples = []struct {
	source, name, kind, help string
}{
	{"/memory/classes/heap/objects:bytes", "go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects."},
	{"/memory/classes/total:bytes", "go_memstats_sys_bytes", "gauge", "Bytes of memory obtained from the OS by the Go runtime."},
	{"/gc/cycles/total:gc-cycles", "go_gc_cycles_total", "counter", "Completed GC cycles."},
	{"/gc/gomemlimit:bytes", "go_gc_gomemlimit_bytes", "gauge", "Go runtime memory limit (GOMEMLIMIT)."},
}

// writeRuntime writes the Go runtime, process and build metrics.
func (m *Metrics) writeRuntime(w *bufio.Writer) {
	header(w, "go_goroutines", "gauge", "Goroutines that currently exist.")
	sample(w, "go_goroutines", "", strconv.Itoa(runtime.NumGoroutine()))

	samples := make([]rtmetrics.Sample, len(runtimeSamples))
	for i, s := range runtimeSamples {
		samples[i].Name = s.source
	}
	rtmetrics.Read(samples)
	for i, s := range runtimeSamples {
		var value string
		switch samples[i].Value.Kind() {
		case rtmetrics.KindUint64:
			value = strconv.FormatUint(samples[i].Value.Uint64(), 10)
		case rtmetrics.KindFloat64:
			value = formatFloat(samples[i].Value.Float64())
		default:
			continue // not supported by this Go release
		}
		header(w, s.name, s.kind, s.help)
		sample(w, s.name, "", value)
	}

	header(w, "go_info", "gauge", "Go release that built the binary.")
	sample(w, "go_info", labels("version", runtime.Version()), "1")

	header(w, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
	sample(w, "process_start_time_seconds", "", formatFloat(float64(processStart.UnixMicro())/1e6))

	header(w, m.buildInfoName, "gauge", "Build information: version and commit stamped at link time, Go release.")
	sample(w, m.buildInfoName, labels("version", m.version, "commit", m.commit, "goversion", runtime.Version()), "1")
}

func header(w *bufio.Writer, name, kind, help string) {
	w.WriteString("# HELP " + name + " " + help + "\n")
	w.WriteString("# TYPE " + name + " " + kind + "\n")
}

func sample(w *bufio.Writer, name, labels, value string) {
	w.WriteString(name + labels + " " + value + "\n")
}

// labels formats name/value pairs as {name="value",...}, values escaped.
func labels(pairs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(pairs[i])
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(pairs[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// labelEscaper escapes a label value as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
