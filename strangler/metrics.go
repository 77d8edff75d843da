package strangler

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the proxy's Prometheus collectors, registered once on the injected Registerer.
// Labels are route names, variants, status classes, services and outcomes from the config or
// fixed sets: never raw paths or client values.
type metrics struct {
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	retries   *prometheus.CounterVec
	shadow    *prometheus.CounterVec
	compared  *prometheus.CounterVec
	breaker   *prometheus.GaugeVec
	healthy   *prometheus.GaugeVec
	canonical *prometheus.CounterVec
	reloads   *prometheus.CounterVec
}

// routeMetrics are the children of one route resolved once per table build, so the request
// path does no label lookups.
type routeMetrics struct {
	req     [numVariants][6]prometheus.Counter // status class 0 = error without response
	dur     [numVariants]prometheus.Observer
	retries prometheus.Counter
}

var classNames = [6]string{"error", "1xx", "2xx", "3xx", "4xx", "5xx"}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_requests_total",
			Help: "Requests proxied, by route (\"default\" = the monolith default route), variant (monolith, service, fallback, proxy) and status class.",
		}, []string{"route", "variant", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "carve_proxy_request_duration_seconds",
			Help:    "Time from request received to response complete, by route and variant.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "variant"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_retries_total",
			Help: "Retries of idempotent requests, by route.",
		}, []string{"route"}),
		shadow: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_shadow_requests_total",
			Help: "Shadow requests by route and outcome (sent, failed, dropped, skipped).",
		}, []string{"route", "outcome"}),
		compared: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_shadow_comparisons_total",
			Help: "Shadow responses compared with the monolith's, by route and result (match, noise, diff).",
		}, []string{"route", "result"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "carve_proxy_breaker_state",
			Help: "Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open.",
		}, []string{"upstream"}),
		healthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "carve_proxy_upstream_instances_healthy",
			Help: "Instances of an upstream that pass active health checks.",
		}, []string{"upstream"}),
		canonical: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_canonical_actions_total",
			Help: "Requests whose path was normalized, redirected, rejected or blocked as a monolith leak.",
		}, []string{"action"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carve_proxy_config_reloads_total",
			Help: "Configuration reloads by result (ok, error).",
		}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.retries, m.shadow, m.compared, m.breaker, m.healthy, m.canonical, m.reloads} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) forRoute(name string) *routeMetrics {
	rm := &routeMetrics{retries: m.retries.WithLabelValues(name)}
	for v := variant(0); v < numVariants; v++ {
		for c := range classNames {
			rm.req[v][c] = m.requests.WithLabelValues(name, v.String(), classNames[c])
		}
		rm.dur[v] = m.duration.WithLabelValues(name, v.String())
	}
	return rm
}

func statusClass(code int) int {
	if code < 100 || code > 599 {
		return 0
	}
	return code / 100
}

func (m *metrics) breakerChanged(upstream string, s BreakerState) {
	m.breaker.WithLabelValues(upstream).Set(float64(s))
}

func (m *metrics) setHealthy(pl *pool) {
	n := 0
	for _, in := range *pl.instances.Load() {
		if !in.unhealthy.Load() {
			n++
		}
	}
	m.healthy.WithLabelValues(pl.name).Set(float64(n))
}
