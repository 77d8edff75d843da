package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/carve-go/carve/strangler"
)

func init() { register(newProxyCmd) }

// proxyOptions are the flags of carve proxy.
type proxyOptions struct {
	config string
	check  bool
	quiet  bool
}

func newProxyCmd() *cobra.Command {
	var o proxyOptions
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Run the strangler-fig proxy in front of the monolith and the carved services",
		Long: "carve proxy routes traffic between the monolith and carved services as strangler.yaml says:\n" +
			"shadow, canary, full or retired per route, with hot reload (file watch, SIGHUP, admin API)\n" +
			"and graceful drain on SIGTERM. See docs/proxy.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProxy(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&o.config, "config", "c", "strangler.yaml", "proxy configuration file")
	cmd.Flags().BoolVar(&o.check, "check", false, "validate the configuration and exit")
	cmd.Flags().BoolVar(&o.quiet, "quiet", false, "log warnings and errors only (no access log lines)")
	return cmd
}

func runProxy(ctx context.Context, o proxyOptions, stdout, stderr io.Writer) error {
	cfg, err := strangler.Load(o.config)
	if err != nil {
		return withCode(exitUsage, err)
	}
	if o.check {
		fmt.Fprintf(stdout, "%s: ok (%d routes, %d services)\n", o.config, len(cfg.Routes), len(cfg.Services))
		return nil
	}
	level := slog.LevelInfo
	if o.quiet {
		level = slog.LevelWarn
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	p, err := strangler.New(cfg, strangler.Options{
		Registerer: reg,
		Logger:     slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})),
		ConfigPath: o.config,
		Getenv:     os.Getenv,
	})
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer p.Close()
	p.WatchSignals(ctx)
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		gctx, stop := context.WithCancel(ctx)
		defer stop()
		go strangler.RunHeapFloor(gctx, strangler.DefaultHeapFloor)
	}
	if err := p.Run(ctx); err != nil {
		return withCode(exitAnalysis, fmt.Errorf("proxy: %w", err))
	}
	return nil
}
