package strangler

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

const (
	balanceRoundRobin    = 0
	balanceLeastRequests = 1
)

var errNoInstance = errors.New("no upstream instance available")

// instance is one address of an upstream. Its state is atomics only.
type instance struct {
	addr         string // host:port dialled
	origin       string // host:port of the configured URL
	inflight     atomic.Int64
	fails        atomic.Int32
	ejections    atomic.Int32
	ejectedUntil atomic.Int64 // unix nanoseconds
	unhealthy    atomic.Bool  // set by active health checks
}

func (in *instance) available(now int64) bool {
	return !in.unhealthy.Load() && now >= in.ejectedUntil.Load()
}

// upstreamURL is one configured URL split for resolution.
type upstreamURL struct {
	host, port string
	isIP       bool
}

// pool is the monolith or one service: instances, balancer, transport, breaker and the
// ReverseProxy that forwards to it. A pool outlives table swaps when its configuration did not
// change, so connections and breaker state survive reloads.
type pool struct {
	name      string
	key       string
	scheme    string
	preserve  bool // preserve the client's Host header
	balance   int
	urls      []upstreamURL
	resolve   time.Duration
	failures  int32
	ejectBase time.Duration

	instances atomic.Pointer[[]*instance]
	rr        atomic.Uint64
	budget    atomic.Int64 // retry budget in milli-tokens
	retry     retryPolicy

	transport *http.Transport
	h1        *h1Transport // nil when engine is std or the scheme is https
	rp        *httputil.ReverseProxy
	br        *breaker
	hc        *HealthCheck
	proxy     *Proxy

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type retryPolicy struct {
	attempts int
	status   [3]bool // 502, 503, 504
	deposit  int64   // milli-tokens per request
}

func newRetryPolicy(r Retry) retryPolicy {
	p := retryPolicy{attempts: r.Attempts}
	if p.attempts == 0 {
		p.attempts = 1
	}
	if p.attempts < 0 {
		p.attempts = 0
	}
	b := r.Budget
	if b == 0 {
		b = 20
	}
	p.deposit = int64(b) * 10
	for _, s := range r.OnStatus {
		if s >= 502 && s <= 504 {
			p.status[s-502] = true
		}
	}
	return p
}

func (rp *retryPolicy) retryStatus(code int) bool {
	return code >= 502 && code <= 504 && rp.status[code-502]
}

func poolKey(name string, u Upstream, t Timeouts, r Retry) string {
	b, _ := json.Marshal(struct {
		N string
		U Upstream
		T Timeouts
		R Retry
	}{name, u, t, r})
	return string(b)
}

func newPool(p *Proxy, name string, u Upstream, t Timeouts, r Retry) (*pool, error) {
	raws := u.URLs
	if u.URL != "" {
		raws = []string{u.URL}
	}
	pl := &pool{
		name:     name,
		key:      poolKey(name, u, t, r),
		preserve: u.Host != "upstream",
		resolve:  u.Resolve,
		hc:       u.HealthCheck,
		retry:    newRetryPolicy(r),
		proxy:    p,
		br:       newBreaker(u.Breaker),
	}
	pl.failures = pl.br.failures
	pl.ejectBase = pl.br.open
	if u.Balance == "least_requests" {
		pl.balance = balanceLeastRequests
	}
	if pl.resolve == 0 {
		pl.resolve = 30 * time.Second
	}
	var insts []*instance
	serverName := ""
	for _, raw := range raws {
		pu, err := parseUpstreamURL(raw)
		if err != nil {
			return nil, err
		}
		if pl.scheme != "" && pl.scheme != pu.Scheme {
			return nil, errors.New("build upstream " + name + ": all urls must use the same scheme")
		}
		pl.scheme = pu.Scheme
		port := pu.Port()
		if port == "" {
			port = "80"
			if pu.Scheme == "https" {
				port = "443"
			}
		}
		host := pu.Hostname()
		_, ipErr := netip.ParseAddr(host)
		pl.urls = append(pl.urls, upstreamURL{host: host, port: port, isIP: ipErr == nil})
		if ipErr != nil {
			serverName = host
		}
		hp := net.JoinHostPort(host, port)
		insts = append(insts, &instance{addr: hp, origin: hp})
	}
	pl.instances.Store(&insts)
	connect := positiveOr(t.Connect, 5*time.Second)
	response := positiveOr(t.Response, 30*time.Second)
	idle := positiveOr(t.Idle, 90*time.Second)
	maxIdle := positiveOr(u.MaxIdleConns, 256)
	pl.transport = &http.Transport{
		DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0,
		MaxIdleConnsPerHost:   maxIdle,
		IdleConnTimeout:       idle,
		ResponseHeaderTimeout: response,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		TLSHandshakeTimeout:   connect,
	}
	if pl.scheme == "http" && u.Engine != "std" {
		pl.h1 = newH1Transport(connect, response, idle, maxIdle)
	}
	if pl.scheme == "https" && serverName != "" {
		pl.transport.TLSClientConfig = &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	}
	pl.rp = &httputil.ReverseProxy{
		Rewrite:        pl.rewrite,
		Transport:      pl,
		BufferPool:     bufPool{},
		ErrorHandler:   pl.errorHandler,
		ModifyResponse: pl.modifyResponse,
		ErrorLog:       p.errorLog,
	}
	pl.br.onChange = func(s BreakerState) { p.metrics.breakerChanged(name, s) }
	return pl, nil
}

// start launches the pool's background goroutines (DNS re-resolution, active health checks);
// they stop when stop is called.
func (pl *pool) start() {
	ctx, cancel := context.WithCancel(context.Background())
	pl.cancel = cancel
	needDNS := false
	for _, u := range pl.urls {
		if !u.isIP {
			needDNS = true
		}
	}
	if needDNS && pl.resolve > 0 {
		pl.wg.Add(1)
		go func() {
			defer pl.wg.Done()
			pl.resolveLoop(ctx)
		}()
	}
	if pl.hc != nil {
		pl.wg.Add(1)
		go func() {
			defer pl.wg.Done()
			pl.healthLoop(ctx)
		}()
	}
}

// stop ends the pool's goroutines and closes idle connections. In-flight requests finish.
func (pl *pool) stop() {
	if pl.cancel != nil {
		pl.cancel()
	}
	pl.wg.Wait()
	pl.transport.CloseIdleConnections()
	if pl.h1 != nil {
		pl.h1.close()
	}
}

func (pl *pool) resolveLoop(ctx context.Context) {
	t := time.NewTicker(pl.resolve)
	defer t.Stop()
	for {
		pl.resolveOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// resolveOnce re-resolves host names; instances whose address is unchanged keep their state.
func (pl *pool) resolveOnce(ctx context.Context) {
	old := *pl.instances.Load()
	byAddr := make(map[string]*instance, len(old))
	for _, in := range old {
		byAddr[in.addr] = in
	}
	var next []*instance
	seen := map[string]bool{}
	for _, u := range pl.urls {
		origin := net.JoinHostPort(u.host, u.port)
		addrs := []string{u.host}
		if !u.isIP {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			res, err := net.DefaultResolver.LookupHost(rctx, u.host)
			cancel()
			if err != nil || len(res) == 0 {
				// Keep what we had for this URL.
				for _, in := range old {
					if in.origin == origin && !seen[in.addr] {
						seen[in.addr] = true
						next = append(next, in)
					}
				}
				continue
			}
			addrs = res
		}
		for _, a := range addrs {
			hp := net.JoinHostPort(a, u.port)
			if seen[hp] {
				continue
			}
			seen[hp] = true
			in := byAddr[hp]
			if in == nil {
				in = &instance{addr: hp, origin: origin}
			}
			next = append(next, in)
		}
	}
	if len(next) > 0 {
		pl.instances.Store(&next)
	}
}

// pick chooses an instance, skipping avoid and unavailable ones; when none is available it
// falls back to any instance but avoid (panic mode, as Envoy does), then to avoid itself.
func (pl *pool) pick(avoid *instance) *instance {
	insts := *pl.instances.Load()
	n := len(insts)
	if n == 0 {
		return nil
	}
	if n == 1 {
		return insts[0]
	}
	now := time.Now().UnixNano()
	start := pl.rr.Add(1)
	if pl.balance == balanceLeastRequests {
		// Fewest in-flight requests; ties broken by rotation.
		var best *instance
		for _, pass := range [2]bool{true, false} {
			for i := 0; i < n; i++ {
				in := insts[(start+uint64(i))%uint64(n)]
				if in == avoid || (pass && !in.available(now)) {
					continue
				}
				if best == nil || in.inflight.Load() < best.inflight.Load() {
					best = in
				}
			}
			if best != nil {
				return best
			}
		}
		return avoid
	}
	for _, pass := range [2]bool{true, false} {
		for i := 0; i < n; i++ {
			in := insts[(start+uint64(i))%uint64(n)]
			if in == avoid || (pass && !in.available(now)) {
				continue
			}
			return in
		}
	}
	return avoid
}

// record updates instance outlier state and the pool breaker after one try.
func (pl *pool) record(in *instance, ok bool, st *reqState) {
	if ok {
		if in.fails.Load() != 0 {
			in.fails.Store(0)
			in.ejections.Store(0)
		}
	} else if in.fails.Add(1) >= pl.failures {
		in.fails.Store(0)
		n := in.ejections.Add(1)
		d := pl.ejectBase * time.Duration(n)
		if d > 5*time.Minute {
			d = 5 * time.Minute
		}
		in.ejectedUntil.Store(time.Now().Add(d).UnixNano())
	}
	probe := false
	if st != nil && st.probe && st.probePool == pl {
		probe = true
		st.probe = false
	}
	pl.br.result(ok, probe)
}

func (pl *pool) takeRetryToken() bool {
	for {
		v := pl.budget.Load()
		if v < 1000 {
			return false
		}
		if pl.budget.CompareAndSwap(v, v-1000) {
			return true
		}
	}
}

func (pl *pool) depositRetryToken() {
	if pl.budget.Load() < 10000 {
		pl.budget.Add(pl.retry.deposit)
	}
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// connError reports errors that happened before the request reached the upstream.
func connError(err error) bool {
	if errors.Is(err, errNoInstance) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// tryFunc is one attempt against instance in of pool target (the pool itself, or the monolith
// when falling back; attempt is -1 for the fallback).
type tryFunc func(target *pool, in *instance, attempt int) (*http.Response, error)

// do runs try with instance selection, retries of replayable requests on connection failures
// (and configured statuses) within the retry budget, outcome recording for outlier detection
// and the breaker, and fallback to the monolith when st allows it.
func (pl *pool) do(st *reqState, replayable bool, try tryFunc) (*http.Response, error) {
	maxRetries := 0
	if replayable && st != nil {
		maxRetries = pl.retry.attempts
	}
	pl.depositRetryToken()
	var avoid *instance
	var err error
	for attempt := 0; ; attempt++ {
		in := pl.pick(avoid)
		if in == nil {
			err = errNoInstance
			break
		}
		in.inflight.Add(1)
		var resp *http.Response
		resp, err = try(pl, in, attempt)
		in.inflight.Add(-1)
		if err == nil {
			ok := resp.StatusCode < 500
			pl.record(in, ok, st)
			if !ok && pl.retry.retryStatus(resp.StatusCode) && attempt < maxRetries && pl.takeRetryToken() {
				io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
				st.retries++
				avoid = in
				continue
			}
			return resp, nil
		}
		pl.record(in, false, st)
		if connError(err) && attempt < maxRetries && pl.takeRetryToken() {
			st.retries++
			avoid = in
			continue
		}
		break
	}
	if st != nil && st.fallbackOK && replayable && connError(err) && st.table.monolith != pl {
		st.variant = variantFallback
		mono := st.table.monolith
		in := mono.pick(nil)
		if in == nil {
			return nil, errNoInstance
		}
		return try(mono, in, -1)
	}
	return nil, err
}

// RoundTrip sends a request built by httputil.ReverseProxy through do.
func (pl *pool) RoundTrip(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(stateKey{}).(*reqState)
	replayable := idempotent(req.Method) && (req.Body == nil || req.Body == http.NoBody)
	return pl.do(st, replayable, func(target *pool, in *instance, attempt int) (*http.Response, error) {
		r := req
		if attempt != 0 {
			r2 := *req
			u := *req.URL
			r2.URL = &u
			r = &r2
		}
		r.URL.Scheme = target.scheme
		r.URL.Host = in.addr
		if !target.preserve {
			r.Host = in.origin
		}
		return target.send(r)
	})
}

// send uses the synchronous HTTP/1.1 path when the request allows it, else http.Transport.
func (pl *pool) send(r *http.Request) (*http.Response, error) {
	if pl.h1.eligible(r) {
		return pl.h1.RoundTrip(r)
	}
	return pl.transport.RoundTrip(r)
}

// bufPool is the ReverseProxy copy-buffer pool: 32 KiB buffers kept in a bounded channel,
// which (unlike sync.Pool with []byte values) costs no allocation per Put.
type bufPool struct{}

var copyBufs = make(chan []byte, 1024)

func (bufPool) Get() []byte {
	select {
	case b := <-copyBufs:
		return b
	default:
		return make([]byte, 32<<10)
	}
}

func (bufPool) Put(b []byte) {
	select {
	case copyBufs <- b:
	default:
	}
}
