package archtest

// Rules are RaaS's import directions, as docs/architecture.md states them.
// Dependencies point inward: domain values, then pure libraries, then the
// store interface, the use cases and the background loops, then the
// drivers, channels and HTTP packages, and only app and cmd wire them all.
var Rules = []Rule{{
	From: []string{"internal/remind"},
	Deny: []string{"..."},
	Why:  "remind holds the domain values and rules and imports nothing of the project",
}, {
	From:  leaves,
	Deny:  []string{"..."},
	Allow: append([]string{"internal/remind"}, leaves...),
	Why:   "the pure libraries (time parsing, recurrence, calendar, URL guard, rate budgets, batching, HTML pages) know nothing of storage, use cases, channels, HTTP or wiring",
}, {
	From:  []string{"internal/store"},
	Deny:  []string{"..."},
	Allow: []string{"internal/remind"},
	Why:   "the store interface speaks domain values only",
}, {
	From: []string{"internal/store/..."},
	Deny: []string{"internal/service", "internal/scheduler", "internal/deliver", "internal/channel/...", "internal/api/...",
		"internal/web/...", "internal/app/...", "internal/metrics", "cmd/...", "client"},
	Why: "store drivers and their test suites know SQL, not use cases, channels, HTTP or wiring",
}, {
	From: []string{"internal/store/sqlite/..."},
	Deny: []string{"internal/store/postgres/..."},
	Why:  "the drivers are independent; what they share lives in internal/store or internal/store/batch",
}, {
	From: []string{"internal/store/postgres/..."},
	Deny: []string{"internal/store/sqlite/..."},
	Why:  "the drivers are independent; what they share lives in internal/store or internal/store/batch",
}, {
	From:  []string{"internal/service"},
	Deny:  append([]string{"internal/scheduler", "internal/deliver", "internal/channel/...", "internal/metrics", "internal/store/..."}, transport...),
	Allow: []string{"internal/store", "internal/store/batch"},
	Why:   "the use cases reach storage through the store interface and everything else through small interfaces they declare",
}, {
	From:  []string{"internal/scheduler", "internal/deliver", "internal/daily"},
	Deny:  append([]string{"internal/service", "internal/channel/...", "internal/metrics", "internal/store/..."}, transport...),
	Allow: []string{"internal/store", "internal/store/batch"},
	Why:   "the background loops see the store interface and channels as deliver.Sender, nothing above them",
}, {
	From: []string{"internal/channel/..."},
	Deny: append([]string{"internal/service", "internal/scheduler", "internal/channel/...", "internal/metrics", "internal/store/..."}, transport...),
	// msgtext is not a channel but the rendering the chat channels share
	// (issue 18).
	Allow: []string{"internal/store", "internal/store/batch", "internal/channel/msgtext"},
	Why:   "a channel is a small sender: it knows no use case, store driver, HTTP package or other channel",
}, {
	From:   []string{"internal/channel/..."},
	Deny:   []string{"internal/store"},
	Direct: true,
	Why:    "a channel takes a rendered message and an address; what it reads of a subscriber is a domain value in internal/remind, not a store type",
}, {
	From:  []string{"internal/api/...", "internal/web/..."},
	Deny:  []string{"internal/store/...", "internal/scheduler", "internal/app/...", "cmd/...", "client"},
	Allow: []string{"internal/store"},
	Why:   "HTTP packages decode, call the service and encode; they know no SQL driver, no scheduler and no wiring",
}, {
	From: []string{"internal/api/..."},
	Deny: []string{"internal/web/...", "internal/channel/..."},
	Why:  "the APIs call the service; pages and channels are not theirs to use",
}, {
	From: []string{"internal/web/..."},
	Deny: []string{"internal/api/..."},
	Why:  "pages and APIs are siblings; what they share belongs to a package below both",
}, {
	From:  []string{"internal/metrics"},
	Deny:  append([]string{"internal/service", "internal/channel/..."}, transport...),
	Allow: []string{},
	Why:   "metrics wrap the store and count; they know no use case, channel or HTTP package",
}, {
	From:   []string{"..."},
	Except: wirers,
	Deny:   []string{"internal/app/...", "cmd/...", "internal/store/sqlite/...", "internal/store/postgres/..."},
	Why:    "only app and cmd wire things: no other package picks a store driver or starts the app",
}, {
	From: []string{"client"},
	Deny: []string{"..."},
	Why:  "the public Go client stands alone: it must not expose or need internal packages",
}}

// leaves are the pure libraries under the use cases.
var leaves = []string{"internal/calendar", "internal/recur", "internal/timeparse", "internal/nextfire", "internal/zone",
	"internal/netguard", "internal/ratelimit", "internal/store/batch", "internal/web/htmlpage", "internal/httpjson"}

// transport is what sits above the use cases: HTTP, wiring and the binary.
var transport = []string{"internal/api/...", "internal/web/...", "internal/app/...", "cmd/...", "client"}

// wirers may import app and the drivers: the binary, the app, and the
// test-only packages that drive the whole service.
var wirers = []string{"cmd/...", "internal/app/...", "internal/bench", "internal/e2e", "internal/model"}

// Exceptions are known breaches tolerated until they are fixed, each one
// direct import with the reason it is there; the fence test fails once one
// is fixed and still listed. Issue 15 removed the last three (web -> api,
// api -> channel/inbox, channel/webpush -> store); keep it empty.
var Exceptions []Exception
