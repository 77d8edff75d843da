package strangler

import (
	"context"
	"io"
	"net/http"
	"time"
)

// healthLoop runs active health checks of every instance until ctx is done. An instance that
// answers with a status outside 200–399, or not within the timeout, is marked unhealthy and
// skipped by the balancer until a later check passes.
func (pl *pool) healthLoop(ctx context.Context) {
	interval := positiveOr(pl.hc.Interval, 5*time.Second)
	timeout := positiveOr(pl.hc.Timeout, 2*time.Second)
	client := &http.Client{Transport: pl.transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, in := range *pl.instances.Load() {
			in.unhealthy.Store(!pl.checkOnce(ctx, client, in))
		}
		pl.proxy.metrics.setHealthy(pl)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (pl *pool) checkOnce(ctx context.Context, client *http.Client, in *instance) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pl.scheme+"://"+in.addr+pl.hc.Path, nil)
	if err != nil {
		return false
	}
	if !pl.preserve {
		req.Host = in.origin
	}
	req.Header.Set("User-Agent", "carve-proxy-health")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 400
}
