// Package archtest fences RaaS's import directions (docs/architecture.md):
// its test reads `go list -json ./...` and fails, naming the chain of
// imports, when a package depends on one it must not know. It holds the
// rules and the checker; the test in this package applies them to the
// module, and `make lint` runs it.
package archtest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Module is the module path the rules' patterns are relative to.
const Module = "github.com/raasdev/raas"

// Rule forbids the packages matched by From (less Except) to depend,
// directly or through other packages of the module, on the packages
// matched by Deny (less Allow). A pattern is a path relative to the module
// ("internal/service"), a path ending in "/..." that matches the path
// itself and everything below it, or "..." for every package of the
// module. A package may always depend on its own ancestors and
// descendants (internal/channel/webpush on webpushtest, sqlitetest on
// sqlite), so "internal/channel/... must not depend on internal/channel/..."
// reads "no channel depends on another channel". A Direct rule looks at
// direct imports only (a channel may depend on the store through deliver,
// but not import it).
type Rule struct {
	From   []string
	Except []string
	Deny   []string
	Allow  []string
	Direct bool
	Why    string
}

// Exception is one known direct import that breaks a rule, tolerated until
// it is fixed. The check runs as if the import were not there; once the
// import is gone or breaks no rule, the exception is reported as stale, so
// the list only ever shrinks.
type Exception struct {
	From, To string // module-relative package paths; From imports To
	Why      string
}

// Package is what the checker needs of `go list -json`: a package and its
// direct, non-test imports.
type Package struct {
	ImportPath string
	Imports    []string
}

// Violation is one package depending on a denied one.
type Violation struct {
	From, To string   // module-relative
	Chain    []string // From ... To, each importing the next
	Rule     Rule
}

func (v Violation) String() string {
	return fmt.Sprintf("%s must not depend on %s (imports %s): %s",
		v.From, v.To, strings.Join(v.Chain, " -> "), v.Rule.Why)
}

// Check applies rules to the packages of the module and returns every
// violation, and every exception that no longer excuses a direct import
// (stale), in a stable order.
func Check(pkgs []Package, rules []Rule, exceptions []Exception) (violations []Violation, stale []Exception) {
	graph := map[string][]string{}
	for _, p := range pkgs {
		from, ok := relative(p.ImportPath)
		if !ok {
			continue
		}
		var to []string
		for _, imp := range p.Imports {
			if r, ok := relative(imp); ok {
				to = append(to, r)
			}
		}
		sort.Strings(to)
		graph[from] = to
	}
	froms := make([]string, 0, len(graph))
	for p := range graph {
		froms = append(froms, p)
	}
	sort.Strings(froms)

	excused := map[[2]string]bool{}
	for _, e := range exceptions {
		edge := [2]string{e.From, e.To}
		if !slices.Contains(graph[e.From], e.To) || firstBroken(rules, e.From, e.To, true) == nil {
			stale = append(stale, e)
			continue
		}
		excused[edge] = true
	}
	pruned := make(map[string][]string, len(graph))
	for from, tos := range graph {
		for _, to := range tos {
			if !excused[[2]string{from, to}] {
				pruned[from] = append(pruned[from], to)
			}
		}
	}
	for _, from := range froms {
		chains := reach(pruned, from)
		deps := make([]string, 0, len(chains))
		for d := range chains {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		for _, to := range deps {
			direct := len(chains[to]) == 2
			if r := firstBroken(rules, from, to, direct); r != nil {
				violations = append(violations, Violation{From: from, To: to, Chain: chains[to], Rule: *r})
			}
		}
	}
	return violations, stale
}

// firstBroken returns the first rule that forbids from to depend on to
// (directly importing it, if direct), or nil.
func firstBroken(rules []Rule, from, to string, direct bool) *Rule {
	if related(from, to) {
		return nil
	}
	for i, r := range rules {
		if (direct || !r.Direct) && matchAny(r.From, from) && !matchAny(r.Except, from) && matchAny(r.Deny, to) && !matchAny(r.Allow, to) {
			return &rules[i]
		}
	}
	return nil
}

// related reports whether one package lies under the other.
func related(a, b string) bool {
	return strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

func relative(importPath string) (string, bool) {
	if importPath == Module {
		return ".", true
	}
	rest, ok := strings.CutPrefix(importPath, Module+"/")
	return rest, ok
}

// reach returns every package from depends on, each with the shortest
// chain of imports that leads to it.
func reach(graph map[string][]string, from string) map[string][]string {
	chains := map[string][]string{}
	queue := [][]string{{from}}
	for len(queue) > 0 {
		chain := queue[0]
		queue = queue[1:]
		for _, next := range graph[chain[len(chain)-1]] {
			if _, ok := chains[next]; ok || next == from {
				continue
			}
			c := append(slices.Clip(chain), next)
			chains[next] = c
			queue = append(queue, c)
		}
	}
	return chains
}

// matchAny reports whether path matches one of the patterns (see Rule).
func matchAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if p == "..." || p == path {
			return true
		}
		if root, ok := strings.CutSuffix(p, "/..."); ok && (path == root || strings.HasPrefix(path, root+"/")) {
			return true
		}
	}
	return false
}
