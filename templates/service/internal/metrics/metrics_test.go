package metrics

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// httpText returns the HTTP metric families as they are exposed.
func httpText(m *Metrics) string {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	m.writeHTTP(w)
	_ = w.Flush()
	return b.String()
}

// scrape serves one request to m's handler and returns the response body.
func scrape(t *testing.T, m *Metrics) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Result(), rec.Body.String()
}

func TestExpositionOfRequests(t *testing.T) {
	m := New("orders", "1.2.3", "abc1234")
	m.ObserveRequest("/health", http.MethodGet, 200, 3*time.Millisecond)
	m.ObserveRequest("/health", http.MethodGet, 200, 30*time.Millisecond)
	m.ObserveRequest("/health", http.MethodGet, 503, 7*time.Millisecond)
	m.ObserveRequest("unmatched", "BREW", 404, 20*time.Second)
	m.RequestStarted()
	m.RequestStarted()
	m.RequestDone()

	want := `# HELP http_requests_total HTTP requests served, by route pattern, method and status code.
# TYPE http_requests_total counter
http_requests_total{route="/health",method="GET",code="200"} 2
http_requests_total{route="/health",method="GET",code="503"} 1
http_requests_total{route="unmatched",method="OTHER",code="404"} 1
# HELP http_request_duration_seconds Time to serve HTTP requests, by route pattern and method.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.005"} 1
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.01"} 2
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.025"} 2
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.05"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.1"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.25"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="0.5"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="1"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="2.5"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="5"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="10"} 3
http_request_duration_seconds_bucket{route="/health",method="GET",le="+Inf"} 3
http_request_duration_seconds_sum{route="/health",method="GET"} 0.04
http_request_duration_seconds_count{route="/health",method="GET"} 3
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.005"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.01"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.025"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.05"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.1"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.25"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="0.5"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="1"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="2.5"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="5"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="10"} 0
http_request_duration_seconds_bucket{route="unmatched",method="OTHER",le="+Inf"} 1
http_request_duration_seconds_sum{route="unmatched",method="OTHER"} 20
http_request_duration_seconds_count{route="unmatched",method="OTHER"} 1
# HELP http_requests_in_flight HTTP requests being served.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 1
`
	if got := httpText(m); got != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", got, want)
	}
}

func TestBucketBoundsAreInclusive(t *testing.T) {
	m := New("svc", "dev", "")
	m.ObserveRequest("/x", http.MethodGet, 200, 5*time.Millisecond) // exactly le="0.005"
	m.ObserveRequest("/x", http.MethodGet, 200, 5*time.Millisecond+time.Nanosecond)
	got := httpText(m)
	for _, line := range []string{
		`http_request_duration_seconds_bucket{route="/x",method="GET",le="0.005"} 1`,
		`http_request_duration_seconds_bucket{route="/x",method="GET",le="0.01"} 2`,
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("missing %q in\n%s", line, got)
		}
	}
}

func TestNoRequestsYet(t *testing.T) {
	got := httpText(New("svc", "dev", ""))
	if strings.Contains(got, "http_requests_total{") || strings.Contains(got, "_bucket{") {
		t.Errorf("series without observations:\n%s", got)
	}
	if !strings.Contains(got, "# TYPE http_request_duration_seconds histogram\n") ||
		!strings.HasSuffix(got, "http_requests_in_flight 0\n") {
		t.Errorf("families missing:\n%s", got)
	}
}

// sampleLine is one sample of the text format: a metric name, optional
// labels with quoted (escaped) values, and a value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$`)

func TestServeHTTPWritesWellFormedText(t *testing.T) {
	m := New("orders-api", "1.2.3", "abc1234")
	m.ObserveRequest("/health", http.MethodGet, 200, time.Millisecond)

	before := time.Now()
	resp, body := scrape(t, m)
	if got := resp.Header.Get("Content-Type"); got != ContentType {
		t.Errorf("Content-Type = %q, want %q", got, ContentType)
	}
	if !strings.HasSuffix(body, "\n") {
		t.Fatalf("body does not end with a newline: %q", body)
	}

	values := map[string]string{}
	types := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			if len(f) != 4 {
				t.Errorf("bad TYPE line %q", line)
				continue
			}
			if _, dup := types[f[2]]; dup {
				t.Errorf("family %s declared twice", f[2])
			}
			types[f[2]] = f[3]
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		g := sampleLine.FindStringSubmatch(line)
		if g == nil {
			t.Errorf("not a sample line: %q", line)
			continue
		}
		if _, err := strconv.ParseFloat(g[5], 64); err != nil && g[5] != "+Inf" {
			t.Errorf("bad value in %q", line)
		}
		values[g[1]+g[2]] = g[5]
	}

	for name, kind := range map[string]string{
		"http_requests_total": "counter", "http_request_duration_seconds": "histogram",
		"http_requests_in_flight": "gauge", "go_goroutines": "gauge", "go_memstats_heap_alloc_bytes": "gauge",
		"go_memstats_sys_bytes": "gauge", "go_gc_cycles_total": "counter", "go_info": "gauge",
		"process_start_time_seconds": "gauge", "orders_api_build_info": "gauge",
	} {
		if types[name] != kind {
			t.Errorf("TYPE of %s = %q, want %q", name, types[name], kind)
		}
	}
	if n, _ := strconv.Atoi(values["go_goroutines"]); n < 1 {
		t.Errorf("go_goroutines = %q", values["go_goroutines"])
	}
	if n, _ := strconv.ParseUint(values["go_memstats_heap_alloc_bytes"], 10, 64); n == 0 {
		t.Errorf("go_memstats_heap_alloc_bytes = %q", values["go_memstats_heap_alloc_bytes"])
	}
	start, err := strconv.ParseFloat(values["process_start_time_seconds"], 64)
	if err != nil || start > float64(before.Unix()+1) || start < float64(before.Add(-time.Hour).Unix()) {
		t.Errorf("process_start_time_seconds = %q, want shortly before %d", values["process_start_time_seconds"], before.Unix())
	}
	info := `orders_api_build_info{version="1.2.3",commit="abc1234",goversion="` + runtime.Version() + `"}`
	if values[info] != "1" {
		t.Errorf("no %s 1 in\n%s", info, body)
	}
	if values[`go_info{version="`+runtime.Version()+`"}`] != "1" {
		t.Errorf("no go_info in\n%s", body)
	}
}

func TestLabelValuesAreEscaped(t *testing.T) {
	m := New("svc", "1.0\"beta\\2\nx", "")
	_, body := scrape(t, m)
	want := `svc_build_info{version="1.0\"beta\\2\nx",commit="",goversion="` + runtime.Version() + `"} 1` + "\n"
	if !strings.Contains(body, want) {
		t.Errorf("want %q in\n%s", want, body)
	}
}

func TestMetricName(t *testing.T) {
	for in, want := range map[string]string{
		"orders":    "orders",
		"orders-v2": "orders_v2",
		"2fa":       "_2fa",
		"a.b/c":     "a_b_c",
		"":          "service",
	} {
		if got := MetricName(in); got != want {
			t.Errorf("MetricName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentObservations(t *testing.T) {
	m := New("svc", "dev", "")
	const workers, each = 8, 500
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				m.RequestStarted()
				m.ObserveRequest("/x", http.MethodGet, 200, time.Millisecond)
				m.RequestDone()
			}
		}()
	}
	// Scrapes race with the observations (go test -race checks them).
	for i := 0; i < 10; i++ {
		scrape(t, m)
	}
	wg.Wait()
	got := httpText(m)
	for _, line := range []string{
		`http_requests_total{route="/x",method="GET",code="200"} 4000`,
		`http_request_duration_seconds_count{route="/x",method="GET"} 4000`,
		`http_requests_in_flight 0`,
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("missing %q in\n%s", line, got)
		}
	}
}
