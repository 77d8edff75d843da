package dbsplit

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
)

// crossStatements returns the positions of the statements the analysis reports as reading
// or writing another service's tables (foreign-read / foreign-write findings from code).
func crossStatements(res *analyzer.Result) []string {
	set := map[string]bool{}
	for _, f := range res.Proposal.Findings {
		if (f.Kind == decompose.ForeignRead || f.Kind == decompose.ForeignWrite) && f.FromUnit != "" {
			set[f.Pos.String()] = true
		}
	}
	return sortedKeys(set)
}

// TestVerifyFindsCrossServiceStatements runs Verify on each fixture under its truth and
// checks that the statements that break are exactly those the analysis reports as crossing a
// boundary, that every break carries a permission-style error naming another service's
// table, and that the scratch database and roles are gone afterwards.
func TestVerifyFindsCrossServiceStatements(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		dsn     func(t *testing.T) string
		truth   bool
	}{
		{"shop", pgAdminDSN, true},
		{"ledger", myAdminDSN, true},
		{"shop", pgAdminDSN, false},
		{"ledger", myAdminDSN, false},
	} {
		name := tc.fixture + "/truth"
		if !tc.truth {
			name = tc.fixture + "/proposal"
		}
		t.Run(name, func(t *testing.T) {
			res := analyzeTruth(t, tc.fixture)
			if !tc.truth {
				res = analyzeProposal(t, tc.fixture)
			}
			dsn := tc.dsn(t)
			var lines []string
			rep, err := Verify(context.Background(), res, VerifyOptions{DSN: dsn, Root: fixtureDir(tc.fixture), Progress: func(m string) { lines = append(lines, m) }})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var got []string
			for _, b := range rep.Breaks {
				got = append(got, b.Pos.String())
				if !strings.Contains(b.Error, "owned by") && !strings.Contains(b.Error, "denied") {
					t.Errorf("break %s: error %q names neither a denial nor an owner", b.Pos, b.Error)
				}
				if len(b.Tables) == 0 {
					t.Errorf("break %s: no foreign table listed", b.Pos)
				}
			}
			got = dedupe(got)
			want := crossStatements(res)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("breaks mismatch (-analysis' cross-service statements +verify's breaks):\n%s", diff)
				for _, b := range rep.Breaks {
					t.Logf("break %s %s: %s", b.Pos, b.Service, b.Error)
				}
			}
			// Every cross-service join the analysis reports is among them (or accepted).
			seen := map[string]bool{}
			for _, b := range append(append([]Break{}, rep.Breaks...), rep.Accepted...) {
				seen[b.Pos.String()] = true
			}
			for _, f := range res.Proposal.Findings {
				if f.Kind == decompose.CrossJoin && f.FromUnit != "" && !seen[f.Pos.String()] {
					t.Errorf("cross-join %s (%s) not found by verify", f.Pos, f.Detail)
				}
			}
			for _, a := range rep.Accepted {
				if !a.Bridged {
					t.Errorf("accepted break %s (%s) has no transition view in the plan", a.Pos, a.Error)
				}
			}
			for _, u := range rep.Unverified {
				t.Logf("unverified %s (%s): %s", u.Pos, u.Service, u.Reason)
			}
			t.Logf("%s: %d statements run, %d ok, %d breaks, %d accepted, %d unverified, %d skipped", tc.fixture, rep.Statements, rep.OK, len(rep.Breaks), len(rep.Accepted), len(rep.Unverified), len(rep.Skipped))
			if rep.OK == 0 {
				t.Errorf("no statement passed; own-table statements must run under their role")
			}
			assertScratchGone(t, dsn, rep.Scratch)
		})
	}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// TestVerifyWithViews applies the plan with its transition views: every read-only break the
// end state reports as bridged must now run, and everything else must still break.
func TestVerifyWithViews(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		dsn     func(t *testing.T) string
	}{
		{"shop", pgAdminDSN},
		{"ledger", myAdminDSN},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			res := analyzeTruth(t, tc.fixture)
			dsn := tc.dsn(t)
			end, err := Verify(context.Background(), res, VerifyOptions{DSN: dsn, Root: fixtureDir(tc.fixture)})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var want []string
			bridged := 0
			for _, b := range end.Breaks {
				if b.Bridged {
					bridged++
				} else {
					want = append(want, b.Pos.String())
				}
			}
			if bridged == 0 {
				t.Fatalf("no break is bridged by a transition view; the fixture has foreign reads")
			}
			during, err := Verify(context.Background(), res, VerifyOptions{DSN: dsn, Root: fixtureDir(tc.fixture), WithViews: true})
			if err != nil {
				t.Fatalf("Verify(WithViews): %v", err)
			}
			var got []string
			for _, b := range during.Breaks {
				got = append(got, b.Pos.String())
			}
			if diff := cmp.Diff(dedupe(want), dedupe(got)); diff != "" {
				t.Errorf("breaks with views mismatch (-end-state breaks no view bridges +breaks with views):\n%s", diff)
			}
			if len(during.Accepted) != 0 {
				t.Errorf("with views, %d accepted reads still break: %+v", len(during.Accepted), during.Accepted)
			}
			t.Logf("%s: %d breaks in the end state, %d bridged by views, %d remain with views", tc.fixture, len(end.Breaks), bridged, len(during.Breaks))
		})
	}
}
