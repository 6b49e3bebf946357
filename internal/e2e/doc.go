// Package e2e holds end-to-end tests: the real service (app.New on a
// temporary SQLite file, a real listener) driven over HTTP, and real child
// processes where a test kills or signals the server. harness_test.go has
// the shared helpers (startApp, do, webhook sinks).
package e2e
