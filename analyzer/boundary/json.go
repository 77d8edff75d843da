package boundary

import (
	"encoding/json"
	"io"
)

type jsonResult struct {
	Passed bool `json:"passed"`
	*Result
}

func printJSON(w io.Writer, r *Result, opts PrintOptions) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonResult{Passed: !r.Failed(opts.Strict), Result: r})
}
