package strangler

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Reload validates cfg and swaps it in atomically. On error the old configuration keeps
// serving. Listen addresses cannot change on reload (restart for that).
func (p *Proxy) Reload(cfg *Config) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reloadLocked(cfg, "api")
}

func (p *Proxy) reloadLocked(cfg *Config, source string) error {
	err := p.swap(cfg)
	if err != nil {
		p.lastErr = err.Error()
		p.metrics.reloads.WithLabelValues("error").Inc()
		p.log.Error("config reload rejected; old config keeps serving", slog.String("source", source), slog.String("error", err.Error()))
		return err
	}
	p.lastErr = ""
	p.metrics.reloads.WithLabelValues("ok").Inc()
	p.log.Info("config reloaded", slog.String("source", source), slog.Int("routes", len(cfg.Routes)))
	return nil
}

func (p *Proxy) swap(cfg *Config) error {
	if p.closed.Load() {
		return errors.New("reload: proxy closed")
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	old := p.table.Load().cfg
	if orDefault(cfg.Listen, "127.0.0.1:8080") != orDefault(old.Listen, "127.0.0.1:8080") ||
		orDefault(cfg.Admin.Listen, "127.0.0.1:9090") != orDefault(old.Admin.Listen, "127.0.0.1:9090") {
		return errors.New("reload: listen and admin.listen cannot change on reload; restart the proxy")
	}
	if orDefault(cfg.Server.Engine, "auto") != orDefault(old.Server.Engine, "auto") {
		return errors.New("reload: server.engine cannot change on reload; restart the proxy")
	}
	t, err := p.build(cfg)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	p.table.Store(t)
	return nil
}

// ReloadFile reloads Options.ConfigPath.
func (p *Proxy) ReloadFile() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reloadFileLocked("api")
}

func (p *Proxy) reloadFileLocked(source string) error {
	if p.opts.ConfigPath == "" {
		return errors.New("reload: no config file")
	}
	mod, sum, err := fileState(p.opts.ConfigPath)
	if err != nil {
		p.lastErr = err.Error()
		p.metrics.reloads.WithLabelValues("error").Inc()
		return fmt.Errorf("reload: %w", err)
	}
	p.fileMod, p.fileSum = mod, sum
	cfg, err := Load(p.opts.ConfigPath)
	if err != nil {
		p.lastErr = err.Error()
		p.metrics.reloads.WithLabelValues("error").Inc()
		p.log.Error("config reload rejected; old config keeps serving", slog.String("source", source), slog.String("error", err.Error()))
		return err
	}
	return p.reloadLocked(cfg, source)
}

// watchFile polls the config file's mtime and SHA-256 and reloads when the content changed.
func (p *Proxy) watchFile(ctx context.Context) {
	iv := p.Config().Reload.Interval
	if iv < 0 {
		return
	}
	if iv == 0 {
		iv = 2 * time.Second
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := os.Stat(p.opts.ConfigPath)
		if err != nil {
			continue
		}
		p.mu.Lock()
		if !st.ModTime().Equal(p.fileMod) {
			if _, sum, err := fileState(p.opts.ConfigPath); err == nil && sum != p.fileSum {
				p.reloadFileLocked("file")
			} else if err == nil {
				p.fileMod = st.ModTime()
			}
		}
		p.mu.Unlock()
	}
}

// WatchSignals reloads the config file on SIGHUP until ctx is done. The signal handler is
// installed before WatchSignals returns; the goroutine it starts stops when ctx is done.
func (p *Proxy) WatchSignals(ctx context.Context) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				p.mu.Lock()
				p.reloadFileLocked("sighup")
				p.mu.Unlock()
			}
		}
	}()
}

func fileState(path string) (time.Time, [32]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}, [32]byte{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return time.Time{}, [32]byte{}, err
	}
	return st.ModTime(), sha256.Sum256(data), nil
}

// SetStage moves route name to stage (with weight percent for canary) in memory: the rollback
// and promotion call of the admin API. The config file, when it changes later, wins.
func (p *Proxy) SetStage(name string, stage Stage, weight int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.table.Load().cfg
	cfg := *old
	cfg.Routes = append([]Route(nil), old.Routes...)
	found := false
	for i := range cfg.Routes {
		if cfg.Routes[i].Name == name {
			found = true
			cfg.Routes[i].Stage = stage
			cfg.Routes[i].Weight = weight
			if stage == StageRetired {
				cfg.Routes[i].Fallback = nil
			}
		}
	}
	if !found {
		return fmt.Errorf("set stage: unknown route %q", name)
	}
	if err := p.reloadLocked(&cfg, "admin"); err != nil {
		return err
	}
	p.log.Info("route stage changed", slog.String("route", name), slog.String("stage", string(stage)), slog.Int("weight", weight))
	return nil
}
