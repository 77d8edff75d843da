package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/carve-go/carve/strangler"
	"github.com/carve-go/carve/strangler/export"
)

func init() { register(newExportCmd) }

type exportOptions struct {
	format       string
	config       string
	out          string
	warningsJSON string
	namespace    string
	gateway      string
	listen       string
	json         bool
}

func newExportCmd() *cobra.Command {
	var o exportOptions
	cmd := &cobra.Command{
		Use:   "export --format gateway-api|nginx|envoy",
		Short: "Render strangler.yaml for Kubernetes Gateway API, NGINX or Envoy",
		Long: `export renders the routes of strangler.yaml for another proxy, with the same route table
semantics as carve proxy:

  gateway-api  HTTPRoute YAML (gateway.networking.k8s.io/v1), one per route plus a catch-all
               to the monolith; backends are Kubernetes Services named after the config keys
  nginx        a complete nginx.conf (run with nginx -p DIR -c FILE)
  envoy        an Envoy bootstrap (static listener, RouteConfiguration, Clusters) as YAML

Every feature the target cannot express is printed as a warning on stderr (and written as JSON
with --warnings-json); nothing is dropped silently.

Exit codes: 0 done, 2 usage or config error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runExport(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", "target: gateway-api, nginx or envoy (required)")
	f.StringVarP(&o.config, "config", "c", "strangler.yaml", "strangler config file")
	f.StringVarP(&o.out, "out", "o", "", "write the output to FILE instead of stdout")
	f.StringVar(&o.warningsJSON, "warnings-json", "", "also write the warnings as JSON to FILE")
	f.StringVar(&o.namespace, "namespace", "default", "gateway-api: namespace of the HTTPRoutes and backend Services")
	f.StringVar(&o.gateway, "gateway", "carve", "gateway-api: name of the Gateway the routes attach to")
	f.StringVar(&o.listen, "listen", "", "nginx, envoy: listen address host:port (default: the config's listen)")
	f.BoolVar(&o.json, "json", false, "envoy: write JSON instead of YAML")
	return cmd
}

func runExport(cmd *cobra.Command, o exportOptions) error {
	var format export.Format
	for _, f := range export.Formats {
		if string(f) == o.format {
			format = f
		}
	}
	if format == "" {
		var names []string
		for _, f := range export.Formats {
			names = append(names, string(f))
		}
		return withCode(exitUsage, fmt.Errorf("export: --format %q: want one of %s", o.format, strings.Join(names, ", ")))
	}
	cfg, err := strangler.Load(o.config)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("export: %w", err))
	}
	eopts := export.Options{Namespace: o.namespace, Gateway: o.gateway, Listen: o.listen}
	if o.json && format != export.Envoy {
		return withCode(exitUsage, fmt.Errorf("export: --json is only for --format envoy"))
	}
	var out []byte
	var warnings []export.Warning
	if o.json {
		out, warnings, err = export.EnvoyJSON(cfg, eopts)
	} else {
		out, warnings, err = export.Export(cfg, format, eopts)
	}
	if err != nil {
		return withCode(exitUsage, err)
	}
	stderr := cmd.ErrOrStderr()
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if o.warningsJSON != "" {
		f, err := os.Create(o.warningsJSON)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("export: %v", err))
		}
		if err := export.WriteWarningsJSON(f, warnings); err != nil {
			f.Close()
			return withCode(exitUsage, fmt.Errorf("export: %v", err))
		}
		if err := f.Close(); err != nil {
			return withCode(exitUsage, fmt.Errorf("export: %v", err))
		}
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, out, 0o644); err != nil {
			return withCode(exitUsage, fmt.Errorf("export: %v", err))
		}
		return nil
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}
