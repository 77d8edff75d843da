package strangler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options are the dependencies of a Proxy.
type Options struct {
	// Registerer receives the proxy's metrics. Nil = a private registry. When it is also a
	// prometheus.Gatherer (like *prometheus.Registry), the admin /metrics endpoint serves it.
	Registerer prometheus.Registerer
	// Logger receives the access log and operational messages. Nil = JSON to stderr.
	Logger *slog.Logger
	// ConfigPath is the file reloaded by the file watch, SIGHUP (see WatchSignals) and POST
	// /reload. Empty = reload from file disabled.
	ConfigPath string
	// Getenv reads the admin token and identity key. Nil = os.Getenv.
	Getenv func(string) string
}

// Proxy is the strangler-fig reverse proxy. Create it with New, serve with Serve or Run, and
// release it with Close.
type Proxy struct {
	opts     Options
	log      *slog.Logger
	errorLog *log.Logger
	metrics  *metrics
	gatherer prometheus.Gatherer

	table atomic.Pointer[table]

	mu       sync.Mutex // serializes reloads and owns pools and file state
	pools    map[string]*pool
	fileSum  [32]byte
	fileMod  time.Time
	lastErr  string
	shadow   *shadower
	diffs    *diffStore
	token    string
	draining atomic.Bool
	serving  atomic.Bool
	closed   atomic.Bool
}

// table is an immutable snapshot of the routing state; reloads build a new one.
type table struct {
	cfg            *Config
	routes         []*route // precedence order
	byName         map[string]*route
	monolith       *pool
	services       map[string]*pool
	paths          PathPolicy
	redirect       bool
	leakGuard      bool
	overrideHeader string
	overrideCookie string
	trusted        []netip.Prefix
	identity       *identityBridge
	accessLog      bool
	shadowLimit    int
	stripShadow    []string
	defaultMetrics *routeMetrics
}

// route is a compiled Route.
type route struct {
	cfg           Route
	name          string
	order         int
	m             matcher
	stage         Stage
	weight        uint32 // buckets out of weightScale
	stickyHeader  string
	stickyCookie  string
	allowOverride bool
	fallback      bool
	retiredStatus int
	svc           *pool
	metrics       *routeMetrics
	shadowMethods []string
	shadowPercent uint32
	compare       bool
	ignore        []string
}

// New validates cfg, builds the route table and starts the background work of the upstreams
// (health checks, DNS re-resolution, shadow workers). Call Close to stop them; Close is safe
// after a failed New.
func New(cfg *Config, opts Options) (*Proxy, error) {
	if cfg == nil {
		return nil, errors.New("new proxy: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("new proxy: %w", err)
	}
	p := &Proxy{opts: opts, pools: map[string]*pool{}, diffs: newDiffStore()}
	if p.opts.Getenv == nil {
		p.opts.Getenv = os.Getenv
	}
	p.log = opts.Logger
	if p.log == nil {
		p.log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	p.errorLog = slog.NewLogLogger(p.log.Handler(), slog.LevelWarn)
	reg := opts.Registerer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, p.gatherer = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		p.gatherer = g
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("new proxy: register metrics: %w", err)
	}
	p.metrics = m
	p.token = p.opts.Getenv(orDefault(cfg.Admin.TokenEnv, "CARVE_ADMIN_TOKEN"))
	t, err := p.build(cfg)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("new proxy: %w", err)
	}
	p.table.Store(t)
	p.shadow = newShadower(p, cfg.Shadow)
	if opts.ConfigPath != "" {
		p.fileMod, p.fileSum, _ = fileState(opts.ConfigPath)
	}
	return p, nil
}

// Close stops background goroutines and closes idle upstream connections. It does not stop
// listeners (cancel Serve's context for that). Safe to call more than once.
func (p *Proxy) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return nil
	}
	if p.shadow != nil {
		p.shadow.stop()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, pl := range p.pools {
		pl.stop()
		delete(p.pools, k)
	}
	return nil
}

// Config returns the configuration currently serving. Callers must not modify it.
func (p *Proxy) Config() *Config { return p.table.Load().cfg }

// build compiles cfg into a table, reusing pools whose configuration did not change. Callers
// hold p.mu or are in New.
func (p *Proxy) build(cfg *Config) (*table, error) {
	t := &table{
		cfg:            cfg,
		byName:         map[string]*route{},
		services:       map[string]*pool{},
		paths:          cfg.Paths,
		redirect:       cfg.Paths.OnChange == "redirect",
		leakGuard:      cfg.Paths.LeakGuard == nil || *cfg.Paths.LeakGuard,
		overrideHeader: http.CanonicalHeaderKey(orDefault(cfg.Override.Header, "X-Carve-Variant")),
		overrideCookie: orDefault(cfg.Override.Cookie, "carve_variant"),
		accessLog:      cfg.AccessLog == nil || *cfg.AccessLog,
		shadowLimit:    cfg.Shadow.BodyLimit,
		defaultMetrics: p.metrics.forRoute("default"),
	}
	if t.shadowLimit == 0 {
		t.shadowLimit = 1 << 20
	}
	for _, h := range cfg.Shadow.StripHeaders {
		t.stripShadow = append(t.stripShadow, http.CanonicalHeaderKey(h))
	}
	for _, s := range cfg.TrustedProxies {
		pfx, err := parsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %v", s, err)
		}
		t.trusted = append(t.trusted, pfx)
	}
	if cfg.Identity != nil {
		ib, err := newIdentityBridge(cfg.Identity, p.opts.Getenv, cfg.Timeouts)
		if err != nil {
			return nil, err
		}
		t.identity = ib
	}
	used := map[string]*pool{}
	get := func(name string, u Upstream) (*pool, error) {
		key := poolKey(name, u, cfg.Timeouts, cfg.Retry)
		if pl, ok := used[key]; ok {
			return pl, nil
		}
		pl, ok := p.pools[key]
		if !ok {
			var err error
			if pl, err = newPool(p, name, u, cfg.Timeouts, cfg.Retry); err != nil {
				return nil, err
			}
		}
		used[key] = pl
		return pl, nil
	}
	var err error
	if t.monolith, err = get("monolith", cfg.Monolith); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Services))
	for n := range cfg.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if t.services[n], err = get(n, cfg.Services[n]); err != nil {
			return nil, err
		}
	}
	for i, rc := range cfg.Routes {
		m, err := compileMatch(rc.Match)
		if err != nil {
			return nil, fmt.Errorf("route %q: %v", rc.Name, err)
		}
		rt := &route{
			cfg: rc, name: rc.Name, order: i, m: m, stage: rc.Stage,
			weight:        uint32(rc.Weight) * (weightScale / 100),
			allowOverride: (rc.AllowOverride == nil || *rc.AllowOverride) && rc.Stage != StageRetired,
			fallback:      (rc.Fallback == nil || *rc.Fallback) && rc.Stage != StageRetired,
			retiredStatus: rc.RetiredStatus,
			svc:           t.services[rc.Service],
			metrics:       p.metrics.forRoute(rc.Name),
			shadowMethods: []string{http.MethodGet, http.MethodHead},
			shadowPercent: weightScale,
			compare:       true,
		}
		if rt.retiredStatus == 0 {
			rt.retiredStatus = http.StatusGone
		}
		if rc.Sticky != nil {
			rt.stickyCookie = rc.Sticky.Cookie
			if rc.Sticky.Header != "" {
				rt.stickyHeader = http.CanonicalHeaderKey(rc.Sticky.Header)
			}
		}
		if sh := rc.Shadow; sh != nil {
			if len(sh.Methods) > 0 {
				rt.shadowMethods = sh.Methods
			}
			if sh.Percent > 0 {
				rt.shadowPercent = uint32(sh.Percent) * (weightScale / 100)
			}
			if sh.Compare != nil {
				rt.compare = *sh.Compare
			}
			rt.ignore = sh.Ignore
		}
		t.routes = append(t.routes, rt)
		t.byName[rt.name] = rt
	}
	sortRoutes(t.routes)
	// Commit: start new pools, stop pools no longer used.
	for key, pl := range used {
		if _, ok := p.pools[key]; !ok {
			p.pools[key] = pl
			pl.start()
			p.metrics.breakerChanged(pl.name, pl.br.State())
		}
	}
	for key, pl := range p.pools {
		if _, ok := used[key]; !ok {
			delete(p.pools, key)
			// In-flight requests keep using the old transport; only idle connections close.
			go pl.stop()
		}
	}
	return t, nil
}

// stateKey carries the *reqState of a request through the ReverseProxy.
type stateKey struct{}

// reqState is the per-request decision, shared by ServeHTTP, Rewrite, RoundTrip and the
// error and response hooks. It is allocated per request and never reused.
type reqState struct {
	table      *table
	route      *route
	canon      string
	action     string
	variant    variant
	fallbackOK bool
	probe      bool
	probePool  *pool
	retries    int
	status     int
	requestID  string
	traceID    string
	xff        string
	proto      string
	identity   string
	shadow     *shadowCapture
	shadowOut  string
	hdr        [7][1]string // backing arrays of single-value headers (st is never reused)
	ridBuf     [36]byte     // backing bytes of a generated requestID (written once)
	traceBuf   [55]byte     // backing bytes of traceID (written once)
	h1         h1Scratch    // the direct path's response storage
	sw         statusWriter // wraps the client's ResponseWriter
}

func (st *reqState) header(i int, v string) []string {
	st.hdr[i][0] = v
	return st.hdr[i][:1:1]
}

// ServeHTTP canonicalizes the path, picks the route and variant, and forwards the request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t := p.table.Load()
	st := &reqState{table: t, action: "none"}
	st.sw.ResponseWriter = w
	p.serve(&st.sw, r, st, t)
	st.status = st.sw.status
	p.finish(r, st, start)
}

func (p *Proxy) serve(w *statusWriter, r *http.Request, st *reqState, t *table) {
	if r.Method == http.MethodConnect || r.RequestURI == "*" {
		st.variant, st.action = variantProxy, "rejected"
		p.metrics.canonical.WithLabelValues("rejected").Inc()
		http.Error(w, "unsupported request target", http.StatusBadRequest)
		return
	}
	raw := r.RequestURI
	if raw == "" || raw[0] != '/' {
		raw = r.URL.EscapedPath()
	} else if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	c, err := Canonicalize(raw, t.paths)
	if err != nil {
		var pe *PathError
		errors.As(err, &pe)
		st.variant, st.action, st.canon = variantProxy, "rejected", ""
		p.metrics.canonical.WithLabelValues("rejected").Inc()
		http.Error(w, pe.Reason, pe.Status)
		return
	}
	st.canon = c.Path
	if c.Changed {
		st.action = "normalized"
		if t.redirect {
			st.variant, st.action = variantProxy, "redirected"
			p.metrics.canonical.WithLabelValues("redirected").Inc()
			loc := c.Path
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusPermanentRedirect)
			return
		}
		p.metrics.canonical.WithLabelValues("normalized").Inc()
	}
	rt := t.lookup(c.Path, r)
	st.route = rt
	if rt == nil {
		if lk := t.leak(c.Path, r); lk != nil {
			st.variant, st.action = variantProxy, "leak_blocked"
			p.metrics.canonical.WithLabelValues("leak_blocked").Inc()
			http.Error(w, "ambiguous spelling of a carved path; use "+lk.m.path, http.StatusBadRequest)
			return
		}
	}
	p.identify(r, st, t)
	pl := t.monolith
	st.variant = variantMonolith
	if rt != nil {
		st.variant = rt.choose(r, t)
		if st.variant == variantService {
			ok, probe := rt.svc.br.allow()
			switch {
			case ok:
				pl = rt.svc
				st.probe, st.probePool = probe, rt.svc
				st.fallbackOK = rt.fallback
			case rt.fallback:
				st.variant = variantFallback
			case rt.stage == StageRetired:
				st.variant = variantProxy
				w.Header()["X-Request-Id"] = []string{st.requestID}
				http.Error(w, "service unavailable", rt.retiredStatus)
				return
			default:
				st.variant = variantProxy
				w.Header()["X-Request-Id"] = []string{st.requestID}
				http.Error(w, "service unavailable", http.StatusServiceUnavailable)
				return
			}
			if st.variant == variantService && t.identity != nil {
				st.identity = t.identity.header(r)
			}
		}
		if rt.stage == StageShadow && st.variant != variantService {
			p.prepareShadow(r, st, rt, t)
		}
	}
	if st.shadow == nil && directOK(r, pl, t) {
		p.forwardDirect(w, r, st, pl)
		if st.probe {
			st.probePool.br.release()
		}
		return
	}
	ctx := context.WithValue(r.Context(), stateKey{}, st)
	r2 := r.WithContext(ctx)
	if st.shadow != nil && r.Body != nil && r.Body != http.NoBody {
		r2.Body = &teeBody{rc: r.Body, c: &st.shadow.reqBody, limit: t.shadowLimit, over: &st.shadow.reqOver}
	}
	pl.rp.ServeHTTP(w, r2)
	if st.probe {
		st.probePool.br.release()
	}
	if st.shadow != nil {
		p.submitShadow(w, r, st)
	}
}

// identify fills request id, trace context and forwarding values.
func (p *Proxy) identify(r *http.Request, st *reqState, t *table) {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	trusted := t.isTrusted(peer)
	st.xff, st.proto = peer, "http"
	if r.TLS != nil {
		st.proto = "https"
	}
	if trusted {
		if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
			st.xff = strings.Join(prior, ", ") + ", " + peer
		}
		if vs := r.Header["X-Forwarded-Proto"]; len(vs) > 0 && (vs[0] == "http" || vs[0] == "https") {
			st.proto = vs[0]
		}
	}
	if vs := r.Header["X-Request-Id"]; len(vs) > 0 && validRequestID(vs[0]) {
		st.requestID = vs[0]
	} else {
		putRequestID(&st.ridBuf)
		st.requestID = frozenString(st.ridBuf[:])
	}
	putTraceparent(&st.traceBuf, r.Header["Traceparent"])
	st.traceID = frozenString(st.traceBuf[:])
}

func (t *table) isTrusted(ip string) bool {
	if len(t.trusted) == 0 {
		return false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, pfx := range t.trusted {
		if pfx.Contains(a) {
			return true
		}
	}
	return false
}

// ownedHeaders are set by the proxy only; clients' copies (and underscore aliases) are dropped.
var ownedHeaders = []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Request-Id", "Traceparent", "X-Carve-Identity", "X-Carve-Shadow"}

// rewrite builds the outbound request. ReverseProxy has already removed hop-by-hop headers
// and those named in Connection from Out, so nothing set here can be removed by a client.
func (pl *pool) rewrite(pr *httputil.ProxyRequest) {
	st := pr.In.Context().Value(stateKey{}).(*reqState)
	out := pr.Out
	out.URL.Scheme = pl.scheme
	if c := st.canon; c != "" && c != out.URL.EscapedPath() {
		if dec, err := url.PathUnescape(c); err == nil {
			out.URL.Path, out.URL.RawPath = dec, c
		}
	}
	if !pl.preserve {
		out.Host = ""
	}
	h := out.Header
	stripOwned(h, st.table)
	h["X-Forwarded-For"] = st.header(0, st.xff)
	h["X-Forwarded-Proto"] = st.header(1, st.proto)
	h["X-Forwarded-Host"] = st.header(2, pr.In.Host)
	h["X-Request-Id"] = st.header(3, st.requestID)
	h["Traceparent"] = st.header(4, st.traceID)
	if st.identity != "" {
		h[st.table.identity.name] = st.header(5, st.identity)
	}
}

// stripOwned deletes proxy-owned headers and their underscore aliases from h.
func stripOwned(h http.Header, t *table) {
	for k := range h {
		if strings.IndexByte(k, '_') >= 0 {
			alias := strings.ReplaceAll(k, "_", "-")
			for _, o := range ownedHeaders {
				if strings.EqualFold(alias, o) {
					delete(h, k)
				}
			}
			if t.identity != nil && strings.EqualFold(alias, t.identity.name) {
				delete(h, k)
			}
		}
	}
	if t.identity != nil {
		delete(h, t.identity.name)
	}
	delete(h, "X-Carve-Identity")
	delete(h, "X-Carve-Shadow")
}

func (pl *pool) modifyResponse(resp *http.Response) error {
	st, _ := resp.Request.Context().Value(stateKey{}).(*reqState)
	if st == nil {
		return nil
	}
	resp.Header["X-Request-Id"] = []string{st.requestID}
	if st.shadow != nil {
		st.shadow.status = resp.StatusCode
		if !st.shadow.route.compare {
			return nil
		}
		st.shadow.header = resp.Header.Clone()
		resp.Body = &teeBody{rc: resp.Body, c: &st.shadow.resp, limit: st.table.shadowLimit, over: &st.shadow.respOver}
	}
	return nil
}

func (pl *pool) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	pl.fail(w, r, st, err)
}

// fail answers a request whose upstream exchange failed: 502, 504 on timeouts, the route's
// retired status for a retired route whose service cannot be reached, nothing for a client
// that went away.
func (pl *pool) fail(w http.ResponseWriter, r *http.Request, st *reqState, err error) {
	code := http.StatusBadGateway
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		code = http.StatusGatewayTimeout
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; nobody reads the answer.
		code = 499
	}
	if st != nil {
		if st.route != nil && st.route.stage == StageRetired && st.variant == variantService && connError(err) {
			code = st.route.retiredStatus
			st.variant = variantProxy
		}
		w.Header()["X-Request-Id"] = []string{st.requestID}
		if st.shadow != nil {
			st.shadow = nil
			st.shadowOut = "skipped"
		}
	}
	if code == 499 {
		w.WriteHeader(code)
		return
	}
	pl.proxy.log.LogAttrs(r.Context(), slog.LevelWarn, "upstream error", slog.String("upstream", pl.name), slog.String("error", err.Error()))
	http.Error(w, http.StatusText(code), code)
}

// finish records metrics and the access log line of one request.
func (p *Proxy) finish(r *http.Request, st *reqState, start time.Time) {
	rm := st.table.defaultMetrics
	name := "default"
	if st.route != nil {
		rm, name = st.route.metrics, st.route.name
	}
	d := time.Since(start)
	rm.req[st.variant][statusClass(st.status)].Inc()
	rm.dur[st.variant].Observe(d.Seconds())
	if st.retries > 0 {
		rm.retries.Add(float64(st.retries))
	}
	// Enabled first: a handler whose level filters access lines costs no attribute building.
	if !st.table.accessLog || !p.log.Enabled(r.Context(), slog.LevelInfo) {
		return
	}
	p.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", st.canon),
		slog.String("route", name),
		slog.String("variant", st.variant.String()),
		slog.Int("status", st.status),
		slog.Duration("duration", d),
		slog.String("canonical", st.action),
		slog.Int("retries", st.retries),
		slog.String("shadow", st.shadowOut),
		slog.String("request_id", st.requestID),
	)
}

// statusWriter records the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Serve serves proxy traffic on ln and the admin API on admin (which may be nil) until ctx is
// done, then stops accepting, marks itself not ready, and drains in-flight requests for up to
// timeouts.drain. It also runs the config file watch when Options.ConfigPath is set.
func (p *Proxy) Serve(ctx context.Context, ln, admin net.Listener) error {
	cfg := p.Config()
	to := cfg.Timeouts
	rh := positiveOr(to.ReadHeader, 10*time.Second)
	idle := positiveOr(to.Idle, 90*time.Second)
	drain := positiveOr(to.Drain, 30*time.Second)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: rh, IdleTimeout: idle, ErrorLog: p.errorLog}
	var asrv *http.Server
	var fr *front
	errc := make(chan error, 2)
	if cfg.Server.Engine == "std" {
		go func() { errc <- srv.Serve(ln) }()
	} else {
		fr = newFront(p, srv, ln, rh, idle)
		go func() { errc <- fr.serve() }()
	}
	if admin != nil {
		asrv = &http.Server{Handler: p.AdminHandler(), ReadHeaderTimeout: rh, IdleTimeout: idle, ErrorLog: p.errorLog}
		go func() { errc <- asrv.Serve(admin) }()
	}
	wctx, wcancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if p.opts.ConfigPath != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.watchFile(wctx)
		}()
	}
	p.serving.Store(true)
	p.log.Info("carve proxy serving", slog.String("listen", ln.Addr().String()))
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	p.draining.Store(true)
	wcancel()
	wg.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	var serr error
	if fr != nil {
		serr = fr.shutdown(sctx)
	} else {
		serr = srv.Shutdown(sctx)
	}
	if serr != nil && err == nil {
		err = fmt.Errorf("drain: %w", serr)
	}
	if asrv != nil {
		asrv.Shutdown(sctx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Run listens on the configured addresses and calls Serve.
func (p *Proxy) Run(ctx context.Context) error {
	cfg := p.Config()
	ln, err := net.Listen("tcp", orDefault(cfg.Listen, "127.0.0.1:8080"))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	aln, err := net.Listen("tcp", orDefault(cfg.Admin.Listen, "127.0.0.1:9090"))
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen admin: %w", err)
	}
	return p.Serve(ctx, ln, aln)
}

// teeBody copies up to limit bytes of a body into c while it is read.
type teeBody struct {
	rc    io.ReadCloser
	c     *[]byte
	limit int
	over  *bool
}

func (t *teeBody) Read(b []byte) (int, error) {
	n, err := t.rc.Read(b)
	if n > 0 && !*t.over {
		if len(*t.c)+n > t.limit {
			*t.over = true
			*t.c = nil
		} else {
			*t.c = append(*t.c, b[:n]...)
		}
	}
	return n, err
}

func (t *teeBody) Close() error { return t.rc.Close() }
