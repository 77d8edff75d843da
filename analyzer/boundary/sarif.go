package boundary

import (
	"encoding/json"
	"io"
)

// SARIF 2.1.0 types: the subset carve writes, typed so tests can round-trip the output.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// SARIFLog is a SARIF 2.1.0 log.
type SARIFLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is one run of one tool.
type SARIFRun struct {
	Tool    SARIFTool     `json:"tool"`
	Results []SARIFResult `json:"results"`
}

// SARIFTool describes carve and its rules.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is the tool component.
type SARIFDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFRule is one violation kind.
type SARIFRule struct {
	ID               string       `json:"id"`
	ShortDescription SARIFMessage `json:"shortDescription"`
}

// SARIFMessage is a plain-text message.
type SARIFMessage struct {
	Text string `json:"text"`
}

// SARIFResult is one violation.
type SARIFResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   SARIFMessage    `json:"message"`
	Locations []SARIFLocation `json:"locations"`
	// PartialFingerprints keep GitHub code scanning from re-opening alerts when lines move.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

// SARIFLocation is where a result is.
type SARIFLocation struct {
	PhysicalLocation SARIFPhysical `json:"physicalLocation"`
}

// SARIFPhysical is a file region.
type SARIFPhysical struct {
	ArtifactLocation SARIFArtifact `json:"artifactLocation"`
	Region           SARIFRegion   `json:"region"`
}

// SARIFArtifact names a file relative to the source root.
type SARIFArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// SARIFRegion is a line (and column) range.
type SARIFRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

func printSARIF(w io.Writer, r *Result, opts PrintOptions) error {
	driver := SARIFDriver{Name: "carve", Version: opts.Version, InformationURI: "https://github.com/carve-go/carve"}
	index := map[Kind]int{}
	for i, k := range Kinds {
		index[k.Kind] = i
		driver.Rules = append(driver.Rules, SARIFRule{ID: string(k.Kind), ShortDescription: SARIFMessage{Text: k.Desc}})
	}
	run := SARIFRun{Tool: SARIFTool{Driver: driver}, Results: []SARIFResult{}}
	for _, v := range r.New {
		msg := v.Message
		if v.Remedy != "" {
			msg += " Remedy: " + v.Remedy
		}
		line := v.Pos.Line
		if line < 1 {
			line = 1
		}
		run.Results = append(run.Results, SARIFResult{
			RuleID:    string(v.Kind),
			RuleIndex: index[v.Kind],
			Level:     "error",
			Message:   SARIFMessage{Text: msg},
			Locations: []SARIFLocation{{PhysicalLocation: SARIFPhysical{
				ArtifactLocation: SARIFArtifact{URI: v.Pos.File, URIBaseID: "%SRCROOT%"},
				Region:           SARIFRegion{StartLine: line, StartColumn: 1},
			}}},
			PartialFingerprints: map[string]string{"carveKey/v1": string(v.Kind) + "|" + v.From + "|" + v.To},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(SARIFLog{Version: sarifVersion, Schema: sarifSchema, Runs: []SARIFRun{run}})
}
