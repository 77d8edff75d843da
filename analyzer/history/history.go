// Package history reads the change history and team structure of a module — git log and
// CODEOWNERS — and turns them into decomposition signals (Conway's law: services that do not
// match how code changes, and who changes it, will not stay apart): logical coupling of files
// changed together (Mazlami et al. 2017), contributor coupling (shared authors), change
// frequency, the owning team of each file, and the evaluation of a proposal against them
// (FoSCI's ICF/ECF/REI, teams per service, hot spots). It runs the git executable; results are
// plain data, safe to share read-only.
package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options bounds the history read.
type Options struct {
	Since      string // passed to git log --since (e.g. "1 year ago", "2025-01-01"); empty = all
	MaxCommits int    // newest commits to read; 0 = 5000
	// MaxFiles is the cap on huge commits: a commit touching more files (a mass rename, a
	// formatter run, a vendored update) says nothing about coupling and is skipped for coupling,
	// still counted for change frequency. 0 = 50.
	MaxFiles int
	// Filter keeps only the files it accepts (e.g. Go and SQL files of the module). nil keeps all.
	Filter func(path string) bool
}

func (o Options) maxCommits() int {
	if o.MaxCommits <= 0 {
		return 5000
	}
	return o.MaxCommits
}

func (o Options) maxFiles() int {
	if o.MaxFiles <= 0 {
		return 50
	}
	return o.MaxFiles
}

// Commit is one non-merge commit.
type Commit struct {
	Hash   string
	Author string // e-mail, lower case (Mazlami's contributor identity)
	Time   time.Time
	Files  []string // paths relative to the module root, sorted
}

// Log is the history of a module.
type Log struct {
	Commits  []Commit // newest first, as git prints them
	Huge     int      // commits skipped for coupling because they touch more than MaxFiles files
	Shallow  bool     // the clone is shallow: history is truncated
	MaxFiles int
	Warnings []string
}

// ErrNotGit is returned when root is not inside a git work tree.
var ErrNotGit = errors.New("not a git repository")

// Read runs git log in root (the module root; paths come out relative to it, commits touching
// only files outside it are left out).
func Read(ctx context.Context, root string, opts Options) (*Log, error) {
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", root}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if strings.Contains(msg, "not a git repository") {
				return nil, fmt.Errorf("history %s: %w", root, ErrNotGit)
			}
			return nil, fmt.Errorf("history: git %s: %v: %s", args[0], err, msg)
		}
		return out, nil
	}
	if _, err := git("rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, err
	}
	l := &Log{MaxFiles: opts.maxFiles()}
	if out, err := git("rev-parse", "--is-shallow-repository"); err == nil && strings.TrimSpace(string(out)) == "true" {
		l.Shallow = true
	}
	args := []string{"log", "--no-merges", "--relative", "--no-renames", "--name-only",
		"--format=%x1e%H%x1f%ae%x1f%at", "-n", strconv.Itoa(opts.maxCommits())}
	if opts.Since != "" {
		args = append(args, "--since="+opts.Since)
	}
	out, err := git(append(args, "--", ".")...)
	if err != nil {
		if strings.Contains(err.Error(), "does not have any commits") {
			return l, nil
		}
		return nil, err
	}
	for _, rec := range strings.Split(string(out), "\x1e") {
		rec = strings.TrimSpace(rec)
		if rec == "" {
			continue
		}
		sc := bufio.NewScanner(strings.NewReader(rec))
		sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
		if !sc.Scan() {
			continue
		}
		head := strings.Split(sc.Text(), "\x1f")
		if len(head) != 3 {
			return nil, fmt.Errorf("history: unexpected git log line %q", sc.Text())
		}
		sec, _ := strconv.ParseInt(head[2], 10, 64)
		c := Commit{Hash: head[0], Author: strings.ToLower(head[1]), Time: time.Unix(sec, 0).UTC()}
		for sc.Scan() {
			f := strings.TrimSpace(sc.Text())
			if f == "" || (opts.Filter != nil && !opts.Filter(f)) {
				continue
			}
			c.Files = append(c.Files, f)
		}
		if len(c.Files) == 0 {
			continue
		}
		sort.Strings(c.Files)
		if len(c.Files) > l.MaxFiles {
			l.Huge++
		}
		l.Commits = append(l.Commits, c)
	}
	if l.Shallow {
		l.Warnings = append(l.Warnings, fmt.Sprintf("shallow clone: only %d commits of history are available; fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI) for co-change and author signals", len(l.Commits)))
	}
	if len(l.Commits) < 10 {
		l.Warnings = append(l.Warnings, fmt.Sprintf("only %d commits touch this module: history signals are weak", len(l.Commits)))
	}
	return l, nil
}

// Pair is an unordered pair of files, A < B.
type Pair struct{ A, B string }

func pair(a, b string) Pair {
	if b < a {
		a, b = b, a
	}
	return Pair{a, b}
}

// Signals are the history signals of a module.
type Signals struct {
	// CoChange is logical coupling: the number of commits (window = one commit; commits over the
	// MaxFiles cap skipped) in which both files changed.
	CoChange map[Pair]int
	// Authors maps each file to the distinct authors (e-mails) who changed it.
	Authors map[string][]string
	// Changes is how many commits changed each file (change frequency; huge commits included).
	Changes map[string]int
}

// Compute derives the signals from a log.
func Compute(l *Log) *Signals {
	s := &Signals{CoChange: map[Pair]int{}, Authors: map[string][]string{}, Changes: map[string]int{}}
	authors := map[string]map[string]bool{}
	for _, c := range l.Commits {
		for _, f := range c.Files {
			s.Changes[f]++
			if authors[f] == nil {
				authors[f] = map[string]bool{}
			}
			authors[f][c.Author] = true
		}
		if len(c.Files) > l.MaxFiles {
			continue
		}
		for i := range c.Files {
			for j := i + 1; j < len(c.Files); j++ {
				s.CoChange[pair(c.Files[i], c.Files[j])]++
			}
		}
	}
	for f, set := range authors {
		for a := range set {
			s.Authors[f] = append(s.Authors[f], a)
		}
		sort.Strings(s.Authors[f])
	}
	return s
}

// ContributorCoupling is |authors(a) ∩ authors(b)| (Mazlami's contributor coupling).
func (s *Signals) ContributorCoupling(a, b string) int {
	x, y := s.Authors[a], s.Authors[b]
	n, i, j := 0, 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			n++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// Pairs returns the co-change pairs sorted by count (descending) then names.
func (s *Signals) Pairs() []PairCount {
	out := make([]PairCount, 0, len(s.CoChange))
	for p, n := range s.CoChange {
		out = append(out, PairCount{p, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

// PairCount is a co-change pair with its count.
type PairCount struct {
	Pair
	Count int
}
