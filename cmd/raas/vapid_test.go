package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/channel/webpush"
)

func TestVapidGenerate(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runVapid(context.Background(), []string{"generate"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var k webpush.VAPIDKeys
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		name, val, _ := strings.Cut(line, "=")
		switch name {
		case "RAAS_VAPID_PUBLIC_KEY":
			k.Public = val
		case "RAAS_VAPID_PRIVATE_KEY":
			k.Private = val
		}
	}
	if err := k.Check(); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if code := runVapid(context.Background(), nil, &out, &errb); code != 2 {
		t.Fatalf("no subcommand: exit %d", code)
	}
}
