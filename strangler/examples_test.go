package strangler

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestExamplesParse keeps the shipped examples valid: the ConfigMap of the Kubernetes example
// and every strangler.yaml snippet in docs/proxy.md that starts with "version: 1".
func TestExamplesParse(t *testing.T) {
	data, err := os.ReadFile("../deploy/kubernetes/carve-proxy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	found := false
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc.Kind == "ConfigMap" {
			found = true
			if _, err := Parse("configmap strangler.yaml", []byte(doc.Data["strangler.yaml"])); err != nil {
				t.Errorf("Kubernetes example: %v", err)
			}
		}
	}
	if !found {
		t.Error("no ConfigMap in deploy/kubernetes/carve-proxy.yaml")
	}
	md, err := os.ReadFile("../docs/proxy.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)cat > \\S*\\.yaml <<'EOF'\n(.*?)\nEOF").FindAllStringSubmatch(string(md), -1)
	if len(blocks) == 0 {
		t.Fatal("no strangler.yaml example in docs/proxy.md")
	}
	for _, b := range blocks {
		if _, err := Parse("docs/proxy.md example", []byte(b[1])); err != nil {
			t.Errorf("docs example: %v", err)
		}
	}
}
