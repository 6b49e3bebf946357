package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunParse(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want map[string]any
	}{
		{"zh monthly", []string{"--now", "2026-11-22T14:40:00+08:00", "每月25号提醒我还信用卡"}, 0, map[string]any{
			"time": "2026-11-25T09:00:00+08:00", "grain": "day", "rrule": "FREQ=MONTHLY;BYMONTHDAY=25",
			"title": "还信用卡", "matched": "每月25号"}},
		{"tz converts now", []string{"--now", "2026-11-22T06:40:00Z", "--tz", "Asia/Shanghai", "明天下午三点"}, 0, map[string]any{
			"time": "2026-11-23T15:00:00+08:00", "grain": "minute"}},
		{"en", []string{"--now", "2026-11-22T14:40:00+08:00", "--lang", "en", "remind", "me", "to", "call", "mom", "tomorrow", "at", "6pm"}, 0, map[string]any{
			"time": "2026-11-23T18:00:00+08:00", "title": "call mom", "matched": "tomorrow at 6pm"}},
		{"interval", []string{"--now", "2026-11-22T14:40:00+08:00", "from 3 to 5pm"}, 0, map[string]any{
			"time": "2026-11-22T15:00:00+08:00", "end": "2026-11-22T17:00:00+08:00"}},
		{"none", []string{"--now", "2026-11-22T14:40:00+08:00", "买牛奶"}, 1, map[string]any{"error": "no time found"}},
		{"bad now", []string{"--now", "yesterday", "明天"}, 2, nil},
		{"bad tz", []string{"--tz", "Mars/Olympus", "明天"}, 2, nil},
		{"bad lang", []string{"--lang", "fr", "demain"}, 2, nil},
		{"no text", []string{"--now", "2026-11-22T14:40:00+08:00"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runParse(context.Background(), tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tt.code, out.String(), errb.String())
			}
			if tt.want == nil {
				return
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("output %q: %v", out.String(), err)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v (output %s)", k, got[k], v, out.String())
				}
			}
			if tt.code == 0 {
				if n, ok := got["next"].([]any); !ok || len(n) == 0 {
					t.Errorf("next missing: %s", out.String())
				}
			}
		})
	}
}

func TestRunParseJSONL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cases.jsonl")
	lines := `{"id":"a","lang":"zh","ref":"2026-11-22T14:40:00+08:00","text":"下午两点"}
{"id":"b","lang":"en","ref":"2026-11-22T14:40:00-05:00","text":"in 2 hours"}

{"id":"c","lang":"en","ref":"2026-11-22T14:40:00+08:00","text":"buy milk"}
not json
`
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := runParse(context.Background(), []string{"--jsonl", file}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1 for the malformed line", code)
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`{"id":"a","time":"2026-11-23T14:00:00+08:00","grain":"minute","next":["2026-11-23T14:00:00+08:00"],"title":"","matched":"下午两点"}`,
		`{"id":"b","time":"2026-11-22T16:40:00-05:00","grain":"minute","next":["2026-11-22T16:40:00-05:00"],"title":"","matched":"in 2 hours"}`,
		`{"id":"c","error":"no time found"}`,
	}
	if len(got) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(got), out.String())
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i, got[i], w)
		}
	}
	if !strings.Contains(got[3], `"error":"bad case`) {
		t.Errorf("line 4 = %s, want a bad-case error", got[3])
	}
}

func TestRunParseJSONLMissingFile(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runParse(context.Background(), []string{"--jsonl", filepath.Join(t.TempDir(), "nope")}, &out, &errb); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}
