package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/carve-go/carve/strangler"
)

// FuzzExport: any strangler.yaml the proxy accepts exports to every format without a panic,
// and whatever is exported reads back (Gateway API strictly, Envoy through protojson).
func FuzzExport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		if strings.Count(filepath.Base(p), ".") == 1 {
			b, _ := os.ReadFile(p)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := strangler.Parse("f.yaml", data)
		if err != nil {
			return
		}
		for _, format := range Formats {
			out, _, err := Export(cfg, format, Options{})
			if err != nil {
				if !strings.HasPrefix(err.Error(), "export") {
					t.Fatalf("%s: error without the operation prefix: %v", format, err)
				}
				continue
			}
			switch format {
			case GatewayAPI:
				for _, d := range strings.Split(string(out), "\n---\n")[1:] {
					var hr gwv1.HTTPRoute
					if err := yaml.UnmarshalStrict([]byte(d), &hr); err != nil {
						t.Fatalf("gateway-api document does not read back: %v\n%s", err, d)
					}
				}
			case Envoy:
				if _, err := ParseEnvoyYAML(out); err != nil {
					t.Fatalf("envoy output does not read back: %v", err)
				}
			}
		}
	})
}
