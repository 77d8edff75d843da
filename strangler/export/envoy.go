package export

import (
	"errors"

	"github.com/carve-go/carve/strangler"
)

// EnvoyYAML renders cfg as an Envoy bootstrap.
func EnvoyYAML(cfg *strangler.Config, opts Options) ([]byte, []Warning, error) {
	if _, err := prepare(cfg); err != nil {
		return nil, nil, err
	}
	return nil, nil, errors.New("export envoy: not implemented yet")
}
