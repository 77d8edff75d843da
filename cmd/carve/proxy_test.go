package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProxyCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("version: 1\nmonolith: {url: http://127.0.0.1:8081}\nservices: {timesale: {url: http://127.0.0.1:8082}}\nroutes:\n  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: canary, weight: 10}\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nmonolith: {url: http://127.0.0.1:8081}\nservices: {timesale: {url: http://127.0.0.1:8082}}\nroutes:\n  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: canary, weight: 101}\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"proxy", "--check", "-c", good}, &out, &errb); code != exitOK {
		t.Fatalf("proxy --check good = %d, stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "ok (1 routes, 1 services)") {
		t.Errorf("stdout = %q", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"proxy", "--check", "-c", bad}, &out, &errb); code != exitUsage {
		t.Fatalf("proxy --check bad = %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errb.String(), "bad.yaml:5:") || !strings.Contains(errb.String(), "routes[0].weight: out of range: 101") {
		t.Errorf("stderr = %q, want file:line:col and the field", errb.String())
	}
}

func TestProxyServesAndDrains(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "strangler.yaml")
	os.WriteFile(cfg, []byte("version: 1\nlisten: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nmonolith: {url: http://127.0.0.1:1}\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"proxy", "-c", cfg, "--quiet"}, &out, &errb) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("proxy exited %d after cancel, want 0; stderr %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not stop after cancel")
	}
}
