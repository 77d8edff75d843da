package strangler

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// RouteStatus is the admin API view of one route.
type RouteStatus struct {
	Name     string     `json:"name"`
	Service  string     `json:"service"`
	Stage    Stage      `json:"stage"`
	Weight   int        `json:"weight"`
	Breaker  string     `json:"breaker"`
	Shadow   DiffReport `json:"shadow"`
	Instance []string   `json:"instances"`
}

// AdminHandler serves the admin API (mount it on its own listener only):
//
//	GET  /healthz                liveness, no token
//	GET  /readyz                 readiness (503 while draining), no token
//	GET  /metrics                Prometheus metrics, no token
//	GET  /routes                 route states, breakers and shadow summaries
//	GET  /routes/{name}          one route
//	GET  /routes/{name}/diff     shadow comparison report
//	GET  /config                 the configuration serving, as YAML
//	POST /routes/{name}/stage    {"stage": "canary", "weight": 10}: promote or roll back
//	POST /reload                 reload the config file
//
// Every endpoint but the first three needs "Authorization: Bearer <token>" (token from
// admin.token_env, compared in constant time); with no token configured they answer 403.
// No GET changes state.
func (p *Proxy) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if p.draining.Load() || p.closed.Load() || p.table.Load() == nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	if p.gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(p.gatherer, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("GET /routes", p.auth(func(w http.ResponseWriter, r *http.Request) {
		t := p.table.Load()
		out := make([]RouteStatus, 0, len(t.cfg.Routes))
		for _, rc := range t.cfg.Routes {
			out = append(out, p.routeStatus(t, rc.Name))
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("GET /routes/{name}", p.auth(func(w http.ResponseWriter, r *http.Request) {
		t := p.table.Load()
		if t.byName[r.PathValue("name")] == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown route"})
			return
		}
		writeJSON(w, http.StatusOK, p.routeStatus(t, r.PathValue("name")))
	}))
	mux.HandleFunc("GET /routes/{name}/diff", p.auth(func(w http.ResponseWriter, r *http.Request) {
		if p.table.Load().byName[r.PathValue("name")] == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown route"})
			return
		}
		writeJSON(w, http.StatusOK, p.diffs.report(r.PathValue("name")))
	}))
	mux.HandleFunc("GET /config", p.auth(func(w http.ResponseWriter, r *http.Request) {
		b, err := Marshal(p.Config())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(b)
	}))
	mux.HandleFunc("POST /routes/{name}/stage", p.auth(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Stage  Stage `json:"stage"`
			Weight int   `json:"weight"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad body: " + err.Error()})
			return
		}
		name := r.PathValue("name")
		if p.table.Load().byName[name] == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown route"})
			return
		}
		if err := p.SetStage(name, body.Stage, body.Weight); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, p.routeStatus(p.table.Load(), name))
	}))
	mux.HandleFunc("POST /reload", p.auth(func(w http.ResponseWriter, r *http.Request) {
		if err := p.ReloadFile(); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "reloaded"})
	}))
	return mux
}

func (p *Proxy) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p.token == "" {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "admin token not configured (set admin.token_env)"})
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(p.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="carve"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
			return
		}
		h(w, r)
	}
}

func (p *Proxy) routeStatus(t *table, name string) RouteStatus {
	rt := t.byName[name]
	s := RouteStatus{Name: name, Service: rt.cfg.Service, Stage: rt.stage, Weight: rt.cfg.Weight,
		Breaker: rt.svc.br.State().String(), Shadow: p.diffs.report(name), Instance: []string{}}
	for _, in := range *rt.svc.instances.Load() {
		s.Instance = append(s.Instance, in.addr)
	}
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
