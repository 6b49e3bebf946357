package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app/apptest"
)

type batchAnswer struct {
	Results []struct {
		Status   int  `json:"status"`
		Replayed bool `json:"replayed"`
		Reminder *struct{ ID, Title string }
		Error    *struct{ Code, Field string }
	} `json:"results"`
}

func postBatch(t *testing.T, a *apptest.App, tok string, body any, hdr ...string) (int, batchAnswer, []byte) {
	t.Helper()
	code, raw := a.Do(t, "POST", "/v1/reminders/batch", body, append([]string{"Authorization", "Bearer " + tok}, hdr...)...)
	var out batchAnswer
	if code == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("answer %s: %v", raw, err)
		}
	}
	return code, out, raw
}

// TestBatchAnswersEachItem: every item is answered in order, an invalid one
// with the status and field a single create would have answered.
func TestBatchAnswersEachItem(t *testing.T) {
	a := apptest.Start(t, nil)
	tok := a.Token(t, "batch")
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	items := []struct {
		body         string
		status       int
		field, title string
	}{
		{`{"title":"a","time":"` + future + `"}`, 201, "", "a"},
		{`{"title":"b","time":"soon"}`, 400, "time", ""},
		{`{"title":"c","time":"2001-01-01T00:00:00Z"}`, 400, "time", ""},
		{`{"text":"tomorrow 3pm call mom"}`, 201, "", ""},
		{`{"title":"e","rrule":"FREQ=FORTNIGHTLY"}`, 400, "rrule", ""},
		{`{"title":"f","time":"` + future + `","colour":"red"}`, 400, "colour", ""},
		{`{"title":"g","time":"` + future + `","tz":"Mars/Olympus"}`, 400, "tz", ""},
		{`{"title":"h","text":"nothing temporal"}`, 400, "text", ""},
		{`[1]`, 400, "body", ""},
		{`{"title":"j","time":"` + future + `","idempotency_key":"bad\u0001key"}`, 400, "idempotency_key", ""},
		{`{"title":"k","rrule":"FREQ=DAILY;BYHOUR=9","tz":"Asia/Shanghai"}`, 201, "", "k"},
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.body
	}
	code, out, raw := postBatch(t, a, tok, `{"reminders":[`+strings.Join(parts, ",")+`]}`)
	if code != 200 || len(out.Results) != len(items) {
		t.Fatalf("batch: %d %s", code, raw)
	}
	for i, it := range items {
		got := out.Results[i]
		if got.Status != it.status {
			t.Errorf("item %d: status %d, want %d (%s)", i, got.Status, it.status, raw)
			continue
		}
		if it.status == 201 {
			if got.Reminder == nil || got.Reminder.ID == "" || it.title != "" && got.Reminder.Title != it.title {
				t.Errorf("item %d: reminder %+v", i, got.Reminder)
			}
			continue
		}
		if got.Error == nil || got.Error.Field != it.field {
			t.Errorf("item %d: error %+v, want field %q", i, got.Error, it.field)
		}
	}
	code, list := a.JSON(t, "GET", "/v1/reminders", nil, "Authorization", "Bearer "+tok)
	if data, _ := list["data"].([]any); code != 200 || len(data) != 3 {
		t.Fatalf("list after the batch: %d, %d reminders, want 3", code, len(data))
	}
}

// TestBatchIdempotency: the batch key replays the batch, another body under
// it is a 409, and an item's own key replays across batches.
func TestBatchIdempotency(t *testing.T) {
	a := apptest.Start(t, nil)
	tok := a.Token(t, "batch")
	at := time.Now().Add(time.Hour).UnixMilli()
	body := map[string]any{"reminders": []any{
		map[string]any{"title": "one", "time": at},
		map[string]any{"title": "two", "time": "nope"},
		map[string]any{"title": "three", "time": at, "idempotency_key": "line-3"},
	}}
	_, first, _ := postBatch(t, a, tok, body, "Idempotency-Key", "B")
	code, again, raw := postBatch(t, a, tok, body, "Idempotency-Key", "B")
	if code != 200 || len(again.Results) != 3 {
		t.Fatalf("replay: %d %s", code, raw)
	}
	for i := range first.Results {
		f, g := first.Results[i], again.Results[i]
		if f.Status != g.Status || (f.Reminder != nil) != (g.Reminder != nil) || f.Reminder != nil && f.Reminder.ID != g.Reminder.ID {
			t.Errorf("item %d: first %+v, replay %+v", i, f, g)
		}
		if g.Status == 201 && !g.Replayed {
			t.Errorf("item %d not marked replayed", i)
		}
	}
	if code, _, _ := postBatch(t, a, tok, map[string]any{"reminders": []any{map[string]any{"title": "x", "time": at}}}, "Idempotency-Key", "B"); code != 409 {
		t.Fatalf("batch key with another body: %d, want 409", code)
	}
	// The item key, in another batch without a batch key.
	_, other, _ := postBatch(t, a, tok, map[string]any{"reminders": []any{
		map[string]any{"title": "three", "time": at, "idempotency_key": "line-3"},
		map[string]any{"title": "changed", "time": at, "idempotency_key": "line-3"},
	}})
	if r := other.Results[0]; !r.Replayed || r.Reminder == nil || r.Reminder.ID != first.Results[2].Reminder.ID {
		t.Errorf("item key in another batch: %+v", r)
	}
	if r := other.Results[1]; r.Status != 409 || r.Error == nil || r.Error.Field != "Idempotency-Key" {
		t.Errorf("item key with another body: %+v", r)
	}
	code, list := a.JSON(t, "GET", "/v1/reminders", nil, "Authorization", "Bearer "+tok)
	if data, _ := list["data"].([]any); code != 200 || len(data) != 2 {
		t.Fatalf("%d reminders, want 2", len(data))
	}
}

// TestBatchLimits: at most 1,000 reminders, and the field says which.
func TestBatchLimits(t *testing.T) {
	a := apptest.Start(t, nil)
	tok := a.Token(t, "batch")
	for _, tc := range []struct {
		n      int
		status int
	}{{0, 400}, {1000, 200}, {1001, 400}} {
		items := make([]string, tc.n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"title":"r%d","time":%d}`, i, time.Now().Add(time.Hour).UnixMilli())
		}
		code, out, raw := postBatch(t, a, tok, `{"reminders":[`+strings.Join(items, ",")+`]}`)
		if code != tc.status {
			t.Fatalf("%d items: %d, want %d (%.200s)", tc.n, code, tc.status, raw)
		}
		if code == 200 && len(out.Results) != tc.n {
			t.Fatalf("%d items: %d results", tc.n, len(out.Results))
		}
		if code == 400 && !strings.Contains(string(raw), `"field":"reminders"`) {
			t.Fatalf("%d items: %s, want the field named", tc.n, raw)
		}
	}
}
