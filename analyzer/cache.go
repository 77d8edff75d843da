package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/carve-go/carve/analyzer/facts"
)

// ModuleRoot returns the directory holding the go.mod that governs dir (dir itself or the
// nearest parent), as an absolute path.
func ModuleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("module root: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("module root: no go.mod in %s or any parent", abs)
		}
	}
}

// Cache stores analysis results keyed by the content they were computed from: every Go, SQL
// and module file under the module root, the carve.yaml bytes, the options, and the carve
// executable itself. A warm hit skips loading and type-checking entirely. A Cache is safe for
// concurrent use by several processes (entries are written atomically).
type Cache struct {
	Dir string // directory holding the entries; default: os.UserCacheDir()/carve/analysis
}

// DefaultCache returns the cache in the user's cache directory ($CARVE_CACHE overrides).
func DefaultCache() (*Cache, error) {
	if d := os.Getenv("CARVE_CACHE"); d != "" {
		return &Cache{Dir: d}, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{Dir: filepath.Join(d, "carve", "analysis")}, nil
}

// Analyze returns the cached result for opts when the inputs are unchanged, and otherwise calls
// compute (normally a closure over analyzer.Analyze) and stores its result. specData is the raw carve.yaml (nil when none) so an edited spec
// is a different key. hit reports a cache hit.
func (c *Cache) Analyze(compute func() (*Result, error), opts Options, specData []byte) (res *Result, hit bool, err error) {
	key, err := cacheKey(opts, specData)
	if err != nil {
		return nil, false, err
	}
	file := filepath.Join(c.Dir, key+".json")
	if data, err := os.ReadFile(file); err == nil {
		var r Result
		if json.Unmarshal(data, &r) == nil && r.SchemaVersion == facts.SchemaVersion {
			return &r, true, nil
		}
	}
	res, err = compute()
	if err != nil {
		return nil, false, err
	}
	if data, err := json.Marshal(res); err == nil {
		_ = c.store(file, data) // a cache that cannot be written is only slower
	}
	return res, false, nil
}

func (c *Cache) store(file string, data []byte) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	c.prune(7 * 24 * time.Hour)
	return nil
}

// prune removes entries not used for age.
func (c *Cache) prune(age time.Duration) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.Remove(filepath.Join(c.Dir, e.Name()))
		}
	}
}

// cacheKey hashes everything the analysis depends on.
func cacheKey(opts Options, specData []byte) (string, error) {
	root, err := ModuleRoot(orDot(opts.Dir))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	exe, err := executableHash()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "carve %s\nschema %d\n", exe, facts.SchemaVersion)
	// Every option that changes the result; Spec is keyed by its bytes, Progress changes nothing.
	optsJSON, err := json.Marshal(struct {
		Dir, Dialect, Since        string
		Patterns, Tags, AccessLogs []string
		Tests, History             bool
		Services, MaxCommits       int
		Resolution, HistoryWeight  float64
		Sweep                      []int
	}{root, opts.Dialect, opts.Since, opts.Patterns, opts.Tags, opts.AccessLogs, opts.Tests, opts.History,
		opts.Services, opts.MaxCommits, opts.Resolution, opts.HistoryWeight, opts.Sweep})
	if err != nil {
		return "", fmt.Errorf("cache key: %w", err)
	}
	fmt.Fprintf(h, "options %s\nspec %d\n", optsJSON, len(specData))
	h.Write(specData)
	if err := hashTree(h, root); err != nil {
		return "", fmt.Errorf("cache key: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

var exeHash struct {
	once sync.Once
	sum  string
	err  error
}

// executableHash is the hash of the running carve binary: a rebuilt carve never reuses results
// of another build, even for development builds without a version.
func executableHash() (string, error) {
	exeHash.once.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			exeHash.err = fmt.Errorf("cache key: %w", err)
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			exeHash.err = fmt.Errorf("cache key: %w", err)
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			exeHash.err = fmt.Errorf("cache key: %w", err)
			return
		}
		exeHash.sum = hex.EncodeToString(h.Sum(nil))
	})
	return exeHash.sum, exeHash.err
}

// hashTree hashes the names and contents of the files an analysis reads under root, in a
// fixed order: Go and SQL files, go.mod, go.sum, go.work(.sum), sqlc configs. Hidden dirs,
// testdata, vendor and node_modules are skipped like the go command skips them; nested modules
// are skipped because they are not part of the module.
func hashTree(h io.Writer, root string) error {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil
			}
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".go"), strings.HasSuffix(name, ".sql"),
			name == "go.mod", name == "go.sum", name == "go.work", name == "go.work.sum",
			name == "sqlc.yaml", name == "sqlc.yml", name == "sqlc.json":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "file %s\n", filepath.ToSlash(rel))
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "\n")
	}
	return nil
}
