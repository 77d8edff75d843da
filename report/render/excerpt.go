package render

import (
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Excerpt is a few lines of source around a position.
type Excerpt struct {
	File  string
	Lines []ExcerptLine
}

// ExcerptLine is one source line of an excerpt.
type ExcerptLine struct {
	N    int
	Text string
	Hit  bool // the line the position points at
}

// maxSourceFile is the largest file read for excerpts; larger files give no excerpt.
const maxSourceFile = 4 << 20

// maxLineLen cuts very long source lines in excerpts.
const maxLineLen = 240

// excerpter reads excerpts from files under a root, caching each file's lines.
type excerpter struct {
	root    string
	context int
	files   map[string][]string // nil value: unreadable
}

func newExcerpter(root string, context int) *excerpter {
	return &excerpter{root: root, context: context, files: map[string][]string{}}
}

// excerpt returns the lines around pos, or nil when there is no root, the file is missing,
// unreadable, too large, outside the root, or shorter than pos.Line.
func (e *excerpter) excerpt(pos facts.Pos) *Excerpt {
	if e.root == "" || pos.File == "" || pos.Line <= 0 {
		return nil
	}
	lines, ok := e.files[pos.File]
	if !ok {
		lines = e.read(pos.File)
		e.files[pos.File] = lines
	}
	if pos.Line > len(lines) {
		return nil
	}
	lo := max(1, pos.Line-e.context)
	hi := min(len(lines), pos.Line+e.context)
	ex := &Excerpt{File: pos.File}
	for n := lo; n <= hi; n++ {
		t := strings.TrimRight(lines[n-1], " \t\r")
		if len(t) > maxLineLen {
			t = t[:maxLineLen] + "…"
		}
		ex.Lines = append(ex.Lines, ExcerptLine{N: n, Text: strings.ReplaceAll(t, "\t", "    "), Hit: n == pos.Line})
	}
	return ex
}

// read returns the lines of a module-relative file, or nil. Paths that are absolute or climb
// out of the root (a hostile or foreign analysis document) are refused.
func (e *excerpter) read(rel string) []string {
	clean := path.Clean(filepath.ToSlash(rel))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || filepath.VolumeName(rel) != "" {
		return nil
	}
	f, err := os.Open(filepath.Join(e.root, filepath.FromSlash(clean)))
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxSourceFile {
		return nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil
	}
	return strings.Split(string(bytes.TrimSuffix(b, []byte("\n"))), "\n")
}
