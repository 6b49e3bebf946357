package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/app"
)

// TestTokenCommands: create prints the secret alone on stdout and its id
// on stderr; list shows ids, tenants and times but never a secret;
// revoke takes a token or an id, and a revoked token is gone.
func TestTokenCommands(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, append(args, "--data", data), &out, &errb)
		return code, out.String(), errb.String()
	}
	idOf := regexp.MustCompile(`token id ([0-9a-f]{32}) \(tenant (\w+)\)`)
	create := func(tenant string) (secret, id string) {
		t.Helper()
		code, out, errs := cli("token", "create", "--tenant", tenant)
		m := idOf.FindStringSubmatch(errs)
		if code != 0 || !regexp.MustCompile(`^raas_[0-9a-f]{48}\n$`).MatchString(out) || m == nil || m[2] != tenant {
			t.Fatalf("token create: %d stdout %q stderr %q", code, out, errs)
		}
		return strings.TrimSpace(out), m[1]
	}
	s1, id1 := create("acme")
	s2, id2 := create("acme")
	s3, id3 := create("bravo")

	code, out, errs := cli("token", "list")
	if code != 0 || !strings.HasPrefix(out, "ID") || !strings.Contains(out, "LAST USED") {
		t.Fatalf("token list: %d %q %q", code, out, errs)
	}
	for _, s := range []string{s1, s2, s3} {
		if strings.Contains(out, s) || strings.Contains(out, s[5:20]) {
			t.Fatalf("token list shows a secret:\n%s", out)
		}
	}
	for _, want := range []string{id1 + "  acme", id2 + "  acme", id3 + "  bravo", "never"} {
		if !strings.Contains(out, want) {
			t.Fatalf("token list lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := cli("token", "list", "--tenant", "bravo"); code != 0 || strings.Contains(out, id1) || !strings.Contains(out, id3) {
		t.Fatalf("token list --tenant bravo: %d\n%s", code, out)
	}
	if code, _, errs := cli("token", "list", "--tenant", "nobody"); code != 1 || !strings.Contains(errs, "no tenant") {
		t.Fatalf("token list --tenant nobody: %d %q", code, errs)
	}

	for _, tc := range []struct {
		arg, id string
	}{{id1, id1}, {s3, id3}} {
		code, _, errs := cli("token", "revoke", tc.arg)
		if code != 0 || !strings.Contains(errs, "revoked token "+tc.id) {
			t.Fatalf("token revoke %s: %d %q", tc.arg, code, errs)
		}
		if code, _, errs := cli("token", "revoke", tc.arg); code != 1 || !strings.Contains(errs, "no such token") {
			t.Fatalf("revoking again: %d %q", code, errs)
		}
	}
	_, out, _ = cli("token", "list")
	if strings.Contains(out, id1) || strings.Contains(out, id3) || !strings.Contains(out, id2) {
		t.Fatalf("after revoking:\n%s", out)
	}
	if code, _, _ := cli("token", "revoke"); code != 2 {
		t.Fatalf("revoke without an argument: %d", code)
	}
	if code, _, _ := cli("token", "rotate"); code != 2 {
		t.Fatalf("unknown subcommand: %d", code)
	}
}

// --owner-email sets the owner recipient's e-mail; a bad address is
// refused before any token is made.
func TestTokenCreateOwnerEmail(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"token", "create", "--tenant", "acme", "--owner-email", "not-an-address", "--data", data}, &out, &errb); code != 2 || out.Len() != 0 || !strings.Contains(errb.String(), "email") {
		t.Fatalf("bad --owner-email: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"token", "create", "--tenant", "acme", "--owner-email", "me@example.com", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("token create --owner-email: %d %q", code, errb.String())
	}
	cfg := app.Defaults()
	cfg.DataDir = data
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn, err := st.TenantByName(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := st.GetRecipient(ctx, tn.ID, "owner")
	if err != nil || rc.Email != "me@example.com" {
		t.Fatalf("owner = %+v %v", rc, err)
	}
}
