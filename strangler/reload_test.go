package strangler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestReloadUnderLoad swaps the route table 100 times while clients hammer the proxy: no 5xx,
// no transport error (dropped connection).
func TestReloadUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: skipped under -short")
	}
	mono, svc := twoBackends(t)
	// The two configs differ in the routes and in the service's upstream settings, so every
	// reload also replaces the service's pool while requests are in flight on the old one.
	base := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale: {url: %s, max_idle_conns: %%d}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: canary, weight: %%d}
`, mono.URL, svc.URL)
	cfgs := make([]*Config, 2)
	for i, w := range []int{0, 100} {
		c, err := Parse("reload.yaml", []byte(fmt.Sprintf(base, 100+i, w)))
		if err != nil {
			t.Fatal(err)
		}
		cfgs[i] = c
	}
	p := startProxyConfig(t, cfgs[0], Options{Logger: discardLogger()})
	var stop atomic.Bool
	var ok, bad, errs atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				resp, err := client.Get(p.url + "/api/sale/1")
				if err != nil {
					errs.Add(1)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					bad.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	for i := 0; i < 100; i++ {
		if err := p.Reload(cfgs[i%2]); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A bad config is rejected and the old one keeps serving.
	badCfg := *cfgs[0]
	badCfg.Routes = []Route{{Name: "x", Service: "nope", Stage: StageFull}}
	if err := p.Reload(&badCfg); err == nil {
		t.Errorf("Reload of an invalid config succeeded")
	}
	stop.Store(true)
	wg.Wait()
	if bad.Load() != 0 || errs.Load() != 0 || ok.Load() < 100 {
		t.Errorf("under 100 reloads: %d ok, %d 5xx, %d transport errors; want no 5xx and no errors", ok.Load(), bad.Load(), errs.Load())
	}
	if mono.hits.Load() == 0 || svc.hits.Load() == 0 {
		t.Errorf("both variants should have served: monolith %d, service %d", mono.hits.Load(), svc.hits.Load())
	}
}

func TestReloadFile(t *testing.T) {
	mono, svc := twoBackends(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "strangler.yaml")
	write := func(stage string) {
		y := cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: "+stage+"}\n") + "reload: {interval: 20ms}\n"
		if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("shadow")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxyConfig(t, cfg, Options{Logger: discardLogger(), ConfigPath: path, Getenv: func(string) string { return "s3cret" }})
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			if _, by, _ := get(t, p.url+"/api/sale/1"); by == want {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("route never switched to %s", want)
	}
	waitFor("monolith")
	write("full") // file watch
	waitFor("timesale")
	// A broken file is rejected; the old config keeps serving.
	os.WriteFile(path, []byte("version: 1\nroutes: [\n"), 0o644)
	time.Sleep(100 * time.Millisecond)
	if _, by, _ := get(t, p.url+"/api/sale/1"); by != "timesale" {
		t.Errorf("after a broken file the route answered from %q, want timesale", by)
	}
	req, _ := http.NewRequest(http.MethodPost, p.admin+"/reload", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("POST /reload of a broken file = %d, want 400", resp.StatusCode)
	}

}

// TestDrain: cancelling Serve's context lets in-flight requests finish.
// Both server engines are checked; with auto, a POST (handed off to net/http) is among the
// in-flight requests.
func TestDrain(t *testing.T) {
	for _, engine := range []string{"auto", "std"} {
		t.Run(engine, func(t *testing.T) { testDrain(t, engine) })
	}
}

func testDrain(t *testing.T, engine string) {
	mono, svc := twoBackends(t)
	mono.delay.Store(int64(time.Second))
	cfg, err := Parse("t.yaml", []byte(cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n")+"server: {engine: "+engine+"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	aln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln, aln) }()
	readyz := func() int {
		resp, err := http.Get("http://" + aln.Addr().String() + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < 50 && readyz() != 200; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := readyz(); got != 200 {
		t.Fatalf("/readyz before drain = %d, want 200", got)
	}
	url := "http://" + ln.Addr().String()
	results := make(chan string, 4)
	for i := 0; i < 4; i++ {
		go func() {
			var resp *http.Response
			var err error
			if i == 3 {
				resp, err = http.Post(url+"/slow", "text/plain", strings.NewReader("body"))
			} else {
				resp, err = http.Get(url + "/slow")
			}
			if err != nil {
				results <- err.Error()
				return
			}
			resp.Body.Close()
			results <- resp.Status
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); mono.hits.Load() < 4 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // wait until the requests are in flight at the monolith
	}
	cancel()
	time.Sleep(20 * time.Millisecond)
	if got := readyz(); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining = %d, want 503", got)
	}
	for i := 0; i < 4; i++ {
		if r := <-results; !strings.HasPrefix(r, "200") {
			t.Errorf("in-flight request during drain: %s, want 200", r)
		}
	}
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil after drain", err)
	}
	if _, err := http.Get(url + "/x"); err == nil {
		t.Errorf("listener still accepting after drain")
	}
}

// TestReloadKeepsServerEngine: the server engine is fixed at start; a reload changing it is
// rejected and the old config keeps serving.
func TestReloadKeepsServerEngine(t *testing.T) {
	mono, svc := twoBackends(t)
	y := cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n")
	p := startProxy(t, y, nil)
	cfg, err := Parse("t.yaml", []byte(y+"server: {engine: std}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Reload(cfg); err == nil || !strings.Contains(err.Error(), "server.engine cannot change on reload") {
		t.Errorf("Reload changing server.engine: %v", err)
	}
	if _, by, _ := get(t, p.url+"/api/sale/1"); by != "timesale" {
		t.Errorf("after the rejected reload the route answered from %q, want timesale", by)
	}
}

// TestSIGHUP: with the file watch disabled, only the signal can trigger the reload.
func TestSIGHUP(t *testing.T) {
	mono, svc := twoBackends(t)
	path := filepath.Join(t.TempDir(), "strangler.yaml")
	write := func(stage string) {
		y := cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: "+stage+"}\n") + "reload: {interval: -1s}\n"
		if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("full")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxyConfig(t, cfg, Options{Logger: discardLogger(), ConfigPath: path})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.WatchSignals(ctx)
	write("shadow")
	time.Sleep(50 * time.Millisecond)
	if _, by, _ := get(t, p.url+"/api/sale/1"); by != "timesale" {
		t.Fatalf("config changed without a signal (watch is disabled): %s", by)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if _, by, _ := get(t, p.url+"/api/sale/1"); by == "monolith" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("SIGHUP did not reload the config")
}
