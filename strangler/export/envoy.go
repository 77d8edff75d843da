package export

import "github.com/carve-go/carve/strangler"

// EnvoyYAML renders cfg as an Envoy bootstrap.
func EnvoyYAML(cfg *strangler.Config, opts Options) ([]byte, []Warning, error) { return nil, nil, nil }
