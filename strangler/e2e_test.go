package strangler

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/carve-go/carve/internal/fixtures"
)

// TestEndToEndShopTimesale puts carve proxy in front of the real shop monolith and the carved
// time-sale service (testdata, PostgreSQL) and walks the route through shadow → canary →
// full → rollback, asserting which backend answered each time.
func TestEndToEndShopTimesale(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped under -short")
	}
	shop := fixtures.StartShop(t)
	timesale := fixtures.StartTimesale(t)
	y := fmt.Sprintf(`version: 1
admin: {token_env: TOKEN}
monolith: {url: %s}
services:
  timesale: {url: %s}
routes:
  - name: sale
    match: {path_prefix: /api/sale, methods: [GET, POST]}
    service: timesale
    stage: shadow
    sticky: {header: X-User-ID}
`, shop, timesale)
	p := startProxy(t, y, adminEnv)
	servedBy := func(path string, hdr ...string) string {
		t.Helper()
		code, by, _ := get(t, p.url+path, hdr...)
		if code >= 500 {
			t.Fatalf("GET %s = %d (served by %q)", path, code, by)
		}
		return by
	}
	stage := func(s Stage, w int) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, p.admin+"/routes/sale/stage", strings.NewReader(fmt.Sprintf(`{"stage":%q,"weight":%d}`, s, w)))
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST stage %s/%d = %d", s, w, resp.StatusCode)
		}
	}

	// Shadow: the shop answers, the service gets a copy, responses are compared.
	for i := 0; i < 5; i++ {
		if by := servedBy("/api/sale/active"); by != "shop" {
			t.Fatalf("shadow: /api/sale/active served by %q, want shop", by)
		}
	}
	var rep DiffReport
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if rep = p.diffs.report("sale"); rep.Compared >= 5 {
			break
		}
	}
	if rep.Compared < 5 {
		t.Fatalf("shadow: %d comparisons, want 5 (report %+v)", rep.Compared, rep)
	}
	t.Logf("shadow report: %d compared, %d matched, %d noise only, %d different, noisy %v, fields %+v", rep.Compared, rep.Matched, rep.NoiseOnly, rep.Different, rep.NoisyFields, rep.Fields)

	// Canary 50%, sticky by user: each user always lands on the same side, as Bucket says.
	stage(StageCanary, 50)
	sides := map[string]int{}
	for u := 1; u <= 40; u++ {
		user := fmt.Sprint(u)
		want := "shop"
		if Bucket("sale", user) < 5000 {
			want = "timesale-service"
		}
		for i := 0; i < 2; i++ {
			if by := servedBy("/api/sale/active", "X-User-ID", user); by != want {
				t.Fatalf("canary: user %s served by %q, want %q", user, by, want)
			}
		}
		sides[want]++
	}
	if sides["shop"] == 0 || sides["timesale-service"] == 0 {
		t.Errorf("canary 50%%: sides %v, want both used", sides)
	}
	if by := servedBy("/api/products"); by != "shop" {
		t.Errorf("uncarved /api/products served by %q, want shop", by)
	}

	// Full: every sale request goes to the service.
	stage(StageFull, 0)
	for u := 1; u <= 10; u++ {
		if by := servedBy("/api/sale/active", "X-User-ID", fmt.Sprint(u)); by != "timesale-service" {
			t.Fatalf("full: served by %q, want timesale-service", by)
		}
	}

	// Rollback with one admin call.
	stage(StageShadow, 0)
	if by := servedBy("/api/sale/active", "X-User-ID", "1"); by != "shop" {
		t.Fatalf("rollback: served by %q, want shop", by)
	}
}
