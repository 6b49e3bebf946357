package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportFences applies Rules to every package of the module, as `go
// list` sees them (non-test imports).
func TestImportFences(t *testing.T) {
	pkgs := listModule(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages of %s; expected the whole module", len(pkgs), Module)
	}
	violations, stale := Check(pkgs, Rules, Exceptions)
	for _, v := range violations {
		t.Errorf("import fence: %s", v)
	}
	for _, e := range stale {
		t.Errorf("import fence: exception %s -> %s no longer breaks a rule (or the import is gone): remove it from Exceptions in internal/archtest/rules.go", e.From, e.To)
	}
}

// TestRulesNameRealPackages keeps the rules true to the module: a From or
// Deny pattern that matches no package (a typo, a package renamed) would
// fence nothing. (An Allow or Except pattern that matches nothing only
// makes a rule stricter, which the fence itself would show.)
func TestRulesNameRealPackages(t *testing.T) {
	pkgs := listModule(t)
	var paths []string
	for _, p := range pkgs {
		if r, ok := relative(p.ImportPath); ok {
			paths = append(paths, r)
		}
	}
	for _, r := range Rules {
		for _, group := range [][]string{r.From, r.Deny} {
			for _, pattern := range group {
				if !slices.ContainsFunc(paths, func(p string) bool { return matchAny([]string{pattern}, p) }) {
					t.Errorf("rule %q: pattern %q matches no package of the module", r.Why, pattern)
				}
			}
		}
	}
}

// TestCheck proves the checker on small module graphs: an upward import,
// direct or through another package, is reported with its chain; the
// exceptions excuse exactly their import and go stale when it is gone.
func TestCheck(t *testing.T) {
	pkg := func(path string, imports ...string) Package {
		p := Package{ImportPath: Module + "/" + path}
		for _, i := range imports {
			p.Imports = append(p.Imports, Module+"/"+i)
		}
		p.Imports = append(p.Imports, "fmt", "github.com/jackc/pgx/v5")
		return p
	}
	clean := []Package{
		pkg("internal/remind"),
		pkg("internal/store", "internal/remind"),
		pkg("internal/store/sqlite", "internal/store", "internal/remind"),
		pkg("internal/store/sqlite/sqlitetest", "internal/store/sqlite"),
		pkg("internal/service", "internal/store", "internal/remind"),
		pkg("internal/channel/webpush", "internal/channel/webpush/webpushtest", "internal/remind"),
		pkg("internal/channel/webpush/webpushtest"),
		pkg("internal/deliver", "internal/store", "internal/remind"),
		pkg("internal/channel/email", "internal/deliver", "internal/remind"),
		pkg("internal/api", "internal/service", "internal/store"),
		pkg("internal/web", "internal/service"),
		pkg("internal/app", "internal/api", "internal/web", "internal/store/sqlite", "internal/channel/webpush"),
		pkg("cmd/raas", "internal/app"),
	}
	for _, tc := range []struct {
		name       string
		pkgs       []Package
		exceptions []Exception
		want       []string // Violation.String prefixes
		wantStale  []string // From->To
	}{
		{name: "clean", pkgs: clean},
		{
			name: "domain imports the store",
			pkgs: replace(clean, pkg("internal/remind", "internal/store")),
			// internal/store -> internal/remind -> internal/store is a cycle
			// go would refuse; the checker still names the breach.
			want: []string{"internal/remind must not depend on internal/store (imports internal/remind -> internal/store)"},
		},
		{
			name: "driver imports the API through a helper",
			pkgs: append(replace(clean, pkg("internal/store/sqlite", "internal/store", "internal/helper")), pkg("internal/helper", "internal/api")),
			want: []string{
				"internal/store/sqlite must not depend on internal/api (imports internal/store/sqlite -> internal/helper -> internal/api)",
				"internal/store/sqlite must not depend on internal/service (imports internal/store/sqlite -> internal/helper -> internal/api -> internal/service)",
				"internal/store/sqlite/sqlitetest must not depend on internal/api (imports internal/store/sqlite/sqlitetest -> internal/store/sqlite -> internal/helper -> internal/api)",
				"internal/store/sqlite/sqlitetest must not depend on internal/service (",
			},
		},
		{
			name: "service imports the web package",
			pkgs: replace(clean, pkg("internal/service", "internal/store", "internal/web")),
			want: []string{
				"internal/api must not depend on internal/web (imports internal/api -> internal/service -> internal/web)",
				"internal/service must not depend on internal/web (imports internal/service -> internal/web)",
			},
		},
		{
			name: "channel imports a sibling channel",
			pkgs: replace(clean, pkg("internal/channel/email", "internal/channel/webpush")),
			want: []string{
				"internal/channel/email must not depend on internal/channel/webpush (",
				"internal/channel/email must not depend on internal/channel/webpush/webpushtest (",
			},
		},
		{
			name: "channel imports the store, not only through deliver",
			pkgs: replace(clean, pkg("internal/channel/email", "internal/deliver", "internal/store")),
			want: []string{"internal/channel/email must not depend on internal/store (imports internal/channel/email -> internal/store)"},
		},
		{
			name: "HTTP package picks a driver",
			pkgs: replace(clean, pkg("internal/api", "internal/service", "internal/store/sqlite")),
			want: []string{"internal/api must not depend on internal/store/sqlite (imports internal/api -> internal/store/sqlite)"},
		},
		{
			name:       "excepted import",
			pkgs:       replace(clean, pkg("internal/web", "internal/service", "internal/api")),
			exceptions: []Exception{{From: "internal/web", To: "internal/api"}},
		},
		{
			name:       "exception excuses only its own import",
			pkgs:       replace(clean, pkg("internal/web", "internal/service", "internal/api", "internal/store/sqlite")),
			exceptions: []Exception{{From: "internal/web", To: "internal/api"}},
			want:       []string{"internal/web must not depend on internal/store/sqlite ("},
		},
		{
			name:       "stale exception",
			pkgs:       clean,
			exceptions: []Exception{{From: "internal/web", To: "internal/api"}, {From: "internal/api", To: "internal/store"}},
			wantStale:  []string{"internal/web->internal/api", "internal/api->internal/store"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			violations, stale := Check(tc.pkgs, Rules, tc.exceptions)
			var got []string
			for _, v := range violations {
				got = append(got, v.String())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d violations, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("violation %d:\n got %s\nwant %s...", i, got[i], w)
				}
			}
			var gotStale []string
			for _, e := range stale {
				gotStale = append(gotStale, e.From+"->"+e.To)
			}
			if !slices.Equal(gotStale, tc.wantStale) {
				t.Errorf("stale exceptions %v, want %v", gotStale, tc.wantStale)
			}
		})
	}
}

func replace(pkgs []Package, p Package) []Package {
	out := slices.Clone(pkgs)
	for i := range out {
		if out[i].ImportPath == p.ImportPath {
			out[i] = p
			return out
		}
	}
	return append(out, p)
}

// listModule runs `go list -json` over the module (go test runs a
// package's test in its directory and puts the go command on PATH).
func listModule(t *testing.T) []Package {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
