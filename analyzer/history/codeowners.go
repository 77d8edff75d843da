package history

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Codeowners is a parsed CODEOWNERS file (GitHub syntax, plus GitLab's [Section] headers with
// default owners). The last matching rule wins, as on GitHub; in GitLab files with sections,
// each section contributes its last match and the owners are combined.
type Codeowners struct {
	File  string
	rules []ownerRule
}

type ownerRule struct {
	section string
	re      *regexp.Regexp
	owners  []string
	line    int
}

// FindCodeowners looks for CODEOWNERS where GitHub and GitLab do (root, .github/, docs/,
// .gitlab/) under dir and parses the first found. It returns nil, nil when there is none.
func FindCodeowners(dir string) (*Codeowners, error) {
	for _, p := range []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"} {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if err == nil {
			return ParseCodeowners(p, string(data))
		}
	}
	return nil, nil
}

var sectionRE = regexp.MustCompile(`^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$`)

// ParseCodeowners parses CODEOWNERS text; name is used in errors (name:line).
func ParseCodeowners(name, src string) (*Codeowners, error) {
	c := &Codeowners{File: name}
	sc := bufio.NewScanner(strings.NewReader(src))
	section, sectionOwners := "", []string(nil)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if i := strings.Index(text, " #"); i >= 0 {
			text = strings.TrimSpace(text[:i])
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if m := sectionRE.FindStringSubmatch(text); m != nil {
			section, sectionOwners = m[1], strings.Fields(m[2])
			continue
		}
		fields := strings.Fields(text)
		re, err := compileOwnerPattern(fields[0])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: pattern %q: %v", name, line, fields[0], err)
		}
		owners := fields[1:]
		if len(owners) == 0 {
			owners = sectionOwners
		}
		c.rules = append(c.rules, ownerRule{section: section, re: re, owners: owners, line: line})
	}
	return c, sc.Err()
}

// compileOwnerPattern turns a gitignore-style CODEOWNERS pattern into a regexp over slash paths.
func compileOwnerPattern(p string) (*regexp.Regexp, error) {
	if strings.HasPrefix(p, "!") {
		return nil, fmt.Errorf("negation is not supported in CODEOWNERS")
	}
	anchored := strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "/"), "/")
	dir := strings.HasSuffix(p, "/")
	p = strings.Trim(p, "/")
	var b strings.Builder
	if anchored {
		b.WriteString("^")
	} else {
		b.WriteString("(^|/)")
	}
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; {
		case ch == '*' && i+1 < len(p) && p[i+1] == '*':
			if i+2 < len(p) && p[i+2] == '/' {
				b.WriteString("(.*/)?")
				i += 2
			} else {
				b.WriteString(".*")
				i++
			}
		case ch == '*':
			b.WriteString("[^/]*")
		case ch == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	if dir {
		b.WriteString("/")
	} else {
		b.WriteString("(/|$)")
	}
	return regexp.Compile(b.String())
}

// Owners returns the owners of file (slash path relative to the repository root), or nil.
func (c *Codeowners) Owners(file string) []string {
	if c == nil {
		return nil
	}
	file = path.Clean(strings.TrimPrefix(file, "/"))
	bySection := map[string][]string{}
	var order []string
	for _, r := range c.rules {
		if r.re.MatchString(file) {
			if _, ok := bySection[r.section]; !ok {
				order = append(order, r.section)
			}
			bySection[r.section] = r.owners
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range order {
		for _, o := range bySection[s] {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}
