package strangler

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// shadowCapture collects what a shadow copy needs while the primary request runs.
type shadowCapture struct {
	route    *route
	reqBody  []byte
	reqOver  bool
	resp     []byte
	respOver bool
	status   int
	header   http.Header
}

// shadowJob is one queued shadow request with the primary's observed answer.
type shadowJob struct {
	route   *route
	table   *table
	method  string
	target  string // canonical path plus raw query
	host    string
	header  http.Header
	body    []byte
	primary observation
}

// shadower owns the bounded shadow queue and its workers.
type shadower struct {
	p       *Proxy
	q       chan shadowJob
	timeout time.Duration
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newShadower(p *Proxy, c Shadow) *shadower {
	n := positiveOr(c.Queue, 1024)
	workers := positiveOr(c.Workers, 4)
	timeout := positiveOr(c.Timeout, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	s := &shadower{p: p, q: make(chan shadowJob, n), timeout: timeout, ctx: ctx, cancel: cancel}
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case job := <-s.q:
					s.run(job)
				}
			}
		}()
	}
	return s
}

func (s *shadower) stop() {
	s.cancel()
	s.wg.Wait()
}

// prepareShadow decides whether this request is mirrored and arranges body capture.
func (p *Proxy) prepareShadow(r *http.Request, st *reqState, rt *route, t *table) {
	allowed := false
	for _, m := range rt.shadowMethods {
		if m == r.Method {
			allowed = true
			break
		}
	}
	if !allowed {
		return
	}
	if rt.shadowPercent < weightScale && rand.Uint32N(weightScale) >= rt.shadowPercent {
		return
	}
	if r.ContentLength > int64(t.shadowLimit) {
		st.shadowOut = "skipped"
		p.metrics.shadow.WithLabelValues(rt.name, "skipped").Inc()
		return
	}
	st.shadow = &shadowCapture{route: rt}
}

// submitShadow queues the shadow copy after the primary answered; it never blocks.
func (p *Proxy) submitShadow(w http.ResponseWriter, r *http.Request, st *reqState) {
	c := st.shadow
	rt := c.route
	if c.reqOver || (c.respOver && rt.compare) || c.status == 0 {
		st.shadowOut = "skipped"
		p.metrics.shadow.WithLabelValues(rt.name, "skipped").Inc()
		return
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	target := st.canon
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	h := r.Header.Clone()
	removeHopByHop(h)
	stripOwned(h, st.table)
	for _, k := range st.table.stripShadow {
		delete(h, k)
	}
	h["X-Request-Id"] = []string{st.requestID}
	h["X-Carve-Shadow"] = []string{"1"}
	job := shadowJob{route: rt, table: st.table, method: r.Method, target: target, host: r.Host, header: h, body: c.reqBody,
		primary: observation{status: c.status, header: c.header, body: c.resp}}
	select {
	case p.shadow.q <- job:
		st.shadowOut = "queued"
	default:
		st.shadowOut = "dropped"
		p.metrics.shadow.WithLabelValues(rt.name, "dropped").Inc()
	}
}

// run sends one shadow request to the service and, when comparing, a second primary sample to
// the monolith (idempotent methods only) to learn which fields are noise.
func (s *shadower) run(job shadowJob) {
	rt := job.route
	svc := rt.svc
	ok, probe := svc.br.allow()
	if !ok {
		s.p.metrics.shadow.WithLabelValues(rt.name, "skipped").Inc()
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	cand, err := s.send(ctx, svc, job, probe)
	if probe {
		svc.br.release()
	}
	if err != nil {
		s.p.metrics.shadow.WithLabelValues(rt.name, "failed").Inc()
		s.p.diffs.failed(rt.name)
		return
	}
	s.p.metrics.shadow.WithLabelValues(rt.name, "sent").Inc()
	if !rt.compare {
		return
	}
	var sec *observation
	if idempotent(job.method) {
		if o, err := s.send(ctx, job.table.monolith, job, false); err == nil {
			sec = &o
		}
	}
	res := s.p.diffs.record(rt.name, rt.ignore, job.primary, cand, sec)
	s.p.metrics.compared.WithLabelValues(rt.name, res).Inc()
}

func (s *shadower) send(ctx context.Context, pl *pool, job shadowJob, probe bool) (observation, error) {
	st := &reqState{table: job.table, probe: probe, probePool: pl}
	ctx = context.WithValue(ctx, stateKey{}, st)
	req, err := http.NewRequestWithContext(ctx, job.method, pl.scheme+"://shadow"+job.target, bytes.NewReader(job.body))
	if err != nil {
		return observation{}, err
	}
	if len(job.body) == 0 {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	req.Header = job.header.Clone()
	if pl.preserve {
		req.Host = job.host
	}
	resp, err := pl.RoundTrip(req)
	if err != nil {
		return observation{}, err
	}
	defer resp.Body.Close()
	limit := job.table.shadowLimit
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return observation{}, err
	}
	if len(body) > limit {
		body = nil
	}
	return observation{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func removeHopByHop(h http.Header) {
	for _, v := range h["Connection"] {
		for _, f := range strings.Split(v, ",") {
			if f = textproto.TrimString(f); f != "" {
				h.Del(f)
			}
		}
	}
	for _, k := range hopByHop {
		delete(h, k)
	}
}
