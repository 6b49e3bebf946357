package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/app"
)

func TestServeHelpListsEveryFlagWithEnv(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--help"}, io.Discard, &stderr); code != 0 && code != 2 {
		t.Fatalf("exit %d", code)
	}
	fs := newFlagSet("serve", io.Discard)
	serveConfig(fs)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		line := ""
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "--"+f.Name+" ") {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, "$"+envName(f.Name)) {
			t.Errorf("--help lacks --%s with $%s: %q", f.Name, envName(f.Name), line)
		}
	})
	for _, name := range []string{"metrics", "rate-limit", "rate-burst", "docs"} {
		if fs.Lookup(name) == nil {
			t.Errorf("no --%s flag", name)
		}
	}
	if n < 15 {
		t.Fatalf("only %d flags", n)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "raas ") {
		t.Fatalf("exit %d: %q", code, out.String())
	}
	Version = "v9.9.9"
	defer func() { Version = "" }()
	out.Reset()
	run(context.Background(), []string{"version"}, &out, io.Discard)
	if !strings.Contains(out.String(), "v9.9.9") {
		t.Fatalf("-ldflags version not shown: %q", out.String())
	}
}

// TestRemindCommands drives add, list, show and cancel against the real
// server, with the server and token from the environment, a config file
// and flags.
func TestRemindCommands(t *testing.T) {
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(ctx)
	token, _, err := a.Service.CreateToken(ctx, "cli")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + a.Addr()
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("RAAS_URL", "")
	t.Setenv("RAAS_TOKEN", "")
	t.Setenv("RAAS_SERVER", "")
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, append([]string{"remind"}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, e := cli("list"); code != 2 || !strings.Contains(e, "no API token") {
		t.Fatalf("without a token: %d %q", code, e)
	}
	// From the environment.
	t.Setenv("RAAS_URL", url)
	t.Setenv("RAAS_TOKEN", token)
	code, out, e := cli("add", "明天下午三点开会", "--to", "alice", "--to", "bob", "--json")
	if code != 0 {
		t.Fatalf("add: %d %s", code, e)
	}
	var r struct {
		ID, Title, Status string
		Recipients        []string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.ID == "" || r.Title != "开会" || strings.Join(r.Recipients, ",") != "alice,bob" {
		t.Fatalf("add --json: %v %q", err, out)
	}
	// From the config file.
	t.Setenv("RAAS_URL", "")
	t.Setenv("RAAS_TOKEN", "")
	cf := filepath.Join(xdg, "raas", "config.json")
	os.MkdirAll(filepath.Dir(cf), 0o700)
	os.WriteFile(cf, []byte(`{"server":"`+url+`","token":"`+token+`"}`), 0o600)
	code, out, e = cli("list")
	if code != 0 || !strings.Contains(out, "ID") || !strings.Contains(out, "STATUS") || !strings.Contains(out, r.ID) || !strings.Contains(out, "开会") {
		t.Fatalf("list: %d %q %s", code, out, e)
	}
	code, out, e = cli("show", r.ID)
	if code != 0 || !strings.Contains(out, "Title:") || !strings.Contains(out, "Deliveries (0)") {
		t.Fatalf("show: %d %q %s", code, out, e)
	}
	// Flags win over the file.
	code, _, e = cli("cancel", r.ID, "--token", "wrong")
	if code != 1 || !strings.Contains(e, "unauthorized") {
		t.Fatalf("cancel with a wrong token flag: %d %s", code, e)
	}
	code, out, _ = cli("cancel", r.ID, "--server", url)
	if code != 0 || !strings.Contains(out, "cancelled") {
		t.Fatalf("cancel: %d %q", code, out)
	}
	if code, _, e = cli("show", "nope"); code != 1 || !strings.Contains(e, "not_found") {
		t.Fatalf("show missing: %d %s", code, e)
	}
	// add answers with a sentence saying how the text was read, in the
	// locale's language; edit answers the same way.
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	code, out, e = cli("add", "every friday 3pm standup", "--to", "alice", "--tz", "Asia/Shanghai", "--server", url)
	if code != 0 || !strings.Contains(out, "I will remind alice on Friday ") || !strings.Contains(out, " at 15:00 (Asia/Shanghai), then every Friday.") {
		t.Fatalf("add: %d %q %s", code, out, e)
	}
	if !strings.Contains(out, "next firing reaches 1 (recipient × channel)\n") {
		t.Fatalf("add does not say whom it reaches: %q", out)
	}
	if code, out, e := cli("add", "tomorrow 9am nobody", "--server", url); code != 0 || !strings.Contains(out, "next firing reaches 0") ||
		!strings.Contains(out, "warning: nobody will be reached: add a recipient, a webhook or the owner's e-mail\n") {
		t.Fatalf("add without recipients: %d %q %s", code, out, e)
	}
	id := strings.Fields(out)[0]
	code, out, e = cli("show", id, "--server", url)
	if code != 0 || !strings.Contains(out, "Schedule:  Every Friday at 15:00") {
		t.Fatalf("show: %d %q %s", code, out, e)
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	code, out, e = cli("edit", id, "--at", "每月1号早上9点", "--title", "月会", "--to", "bob", "--server", url)
	if code != 0 || !strings.Contains(out, "月会") || !strings.Contains(out, "提醒 bob，之后每月1日。") {
		t.Fatalf("edit: %d %q %s", code, out, e)
	}
	if !strings.Contains(out, "下次提醒送达 1 处（收件人×渠道）") {
		t.Fatalf("edit does not say whom it reaches: %q", out)
	}
	code, out, e = cli("edit", id, "--at", "2030-01-02T08:00:00+08:00", "--server", url)
	if code != 0 || !strings.Contains(out, "我会在 2030年1月2日（周三）08:00（Asia/Shanghai）提醒 bob。") {
		t.Fatalf("edit --at a time: %d %q %s", code, out, e)
	}
	if code, _, e = cli("edit", id, "--server", url); code != 2 || !strings.Contains(e, "say what to change") {
		t.Fatalf("edit without a change: %d %s", code, e)
	}
	if code, _, e = cli("edit", id, "--text", "x", "--at", "y", "--server", url); code != 2 {
		t.Fatalf("edit with --text and --at: %d %s", code, e)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	cfg := app.Defaults()
	cfg.DataDir = dir
	st, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close() // the copy is taken while the store is open
	to := filepath.Join(t.TempDir(), "copy.db")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"backup", "--data", dir, "--to", to}, &out, &errb); code != 0 {
		t.Fatalf("backup: %d %s", code, errb.String())
	}
	c2 := app.Defaults()
	c2.DB = "sqlite:" + to
	st2, err := app.OpenStore(context.Background(), c2)
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	st2.Close()
	if code := run(context.Background(), []string{"backup", "--data", dir, "--to", to}, io.Discard, io.Discard); code != 1 {
		t.Fatalf("overwrote an existing file: %d", code)
	}
}

func TestOpenURLsWarnOnLoopback(t *testing.T) {
	for _, c := range []struct {
		addr, public string
		warn         bool
	}{
		{":8080", "", true},
		{"0.0.0.0:8080", "", true},
		{"127.0.0.1:9000", "", true},
		{":8080", "http://localhost:8080", true},
		{":8080", "http://[::1]:8080/", true},
		{":8080", "http://192.168.1.20:8080", false},
		{":8080", "https://remind.example.com", false},
	} {
		pub := c.public
		if pub == "" {
			pub = defaultPublicURL(c.addr)
		}
		urls, warning := openURLs(pub, true)
		if (warning != "") != c.warn || c.warn && !strings.Contains(warning, "--public-url") {
			t.Errorf("%s %q: warning %q", c.addr, pub, warning)
		}
		if len(urls) != 4 || !strings.HasSuffix(urls[1][1], "/dashboard") || strings.Contains(urls[0][1], "//:") {
			t.Errorf("%s %q: urls %v", c.addr, pub, urls)
		}
	}
	if got := defaultPublicURL(":8080"); got != "http://127.0.0.1:8080" {
		t.Errorf("default public URL of :8080 is %s", got)
	}
}
