package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/app/apptest"
	"github.com/raasdev/raas/internal/remind"
)

// errField returns the status, error code and field of an error answer.
func errField(t *testing.T, code int, body map[string]any) (string, string) {
	t.Helper()
	e, _ := body["error"].(map[string]any)
	if e == nil {
		t.Fatalf("status %d, answer %v has no error object", code, body)
	}
	c, _ := e["code"].(string)
	f, _ := e["field"].(string)
	return c, f
}

// TestV1RefusalsNameTheField sends many bad requests and checks each is a
// 4xx naming the field the caller sent (and that one time or rule outside
// the years 1970–9999 in the reminder's zone is refused, not stored).
func TestV1RefusalsNameTheField(t *testing.T) {
	a := apptest.Start(t, nil)
	tok := a.Token(t, "edges")
	auth := []string{"Authorization", "Bearer " + tok}
	code, rem := a.JSON(t, "POST", "/v1/reminders", map[string]any{"title": "x", "time": time.Now().Add(time.Hour).Format(time.RFC3339)}, auth...)
	if code != 201 {
		t.Fatalf("create: %d %v", code, rem)
	}
	id := rem["id"].(string)
	future := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name, method, path, body, field string
	}{
		{"year 10000 in Shanghai", "POST", "/v1/reminders", `{"title":"x","time":"9999-12-31T20:00:00Z"}`, "time"},
		{"year 10000 as ms", "POST", "/v1/reminders", `{"title":"x","time":253402300799999}`, "time"},
		{"year 10000 in UTC, 9999 locally", "POST", "/v1/reminders", `{"title":"x","tz":"America/New_York","time":"9999-12-31T23:00:00-05:00"}`, "time"},
		{"year 10000 by defer", "POST", "/v1/reminders", `{"title":"x","tz":"UTC","time":"9999-12-31T00:00:00Z","defer":2000}`, "defer"},
		{"start in year 10000", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":"9999-12-31T20:00:00Z"}`, "start"},
		{"start past the rule calendar", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":"3500-01-01T00:00:00Z"}`, "start"},
		{"start before 1970", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":"1950-01-01T00:00:00Z"}`, "start"},
		{"start not a time", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":"tomorrow"}`, "start"},
		{"start a bool", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":true}`, "start"},
		{"start fractional ms", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY","start":1.5}`, "start"},
		{"time not a time", "POST", "/v1/reminders", `{"title":"x","time":"soon"}`, "time"},
		{"time negative", "POST", "/v1/reminders", `{"title":"x","time":-1}`, "time"},
		{"time in the past", "POST", "/v1/reminders", `{"title":"x","time":"2001-01-01T00:00:00Z"}`, "time"},
		{"time and rrule", "POST", "/v1/reminders", `{"title":"x","time":"` + future + `","rrule":"FREQ=DAILY"}`, "time"},
		{"bad rrule", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=FORTNIGHTLY"}`, "rrule"},
		{"rrule until year 9999", "POST", "/v1/reminders", `{"title":"x","rrule":"FREQ=DAILY;UNTIL=99991231T000000Z"}`, "rrule"},
		{"start at year 3000 locally", "POST", "/v1/reminders", `{"title":"x","tz":"Pacific/Kiritimati","rrule":"FREQ=DAILY","start":"2999-12-31T12:00:00Z"}`, "start"},
		{"rrule read from the desc never fires", "POST", "/v1/reminders", `{"desc":"每年2月30日"}`, "desc"},
		{"bad tz", "POST", "/v1/reminders", `{"title":"x","tz":"Mars/Olympus","time":"` + future + `"}`, "tz"},
		{"title a number", "POST", "/v1/reminders", `{"title":5,"time":"` + future + `"}`, "title"},
		{"recipients a string", "POST", "/v1/reminders", `{"title":"x","time":"` + future + `","recipients":"bob"}`, "recipients"},
		{"defer a string", "POST", "/v1/reminders", `{"title":"x","time":"` + future + `","defer":"ten"}`, "defer"},
		{"unknown channel", "POST", "/v1/reminders", `{"title":"x","time":"` + future + `","channels":["fax"]}`, "channels"},
		{"no time in title", "POST", "/v1/reminders", `{"title":"nothing temporal"}`, "title"},
		{"no time in desc", "POST", "/v1/reminders", `{"desc":"nothing temporal"}`, "desc"},
		{"no time in text", "POST", "/v1/reminders", `{"text":"nothing temporal"}`, "text"},
		{"control character in desc read for the time", "POST", "/v1/reminders", `{"desc":"明天\u0001下午3点"}`, "desc"},
		{"unknown field", "POST", "/v1/reminders", `{"title":"x","when":"now"}`, "when"},
		{"patch year 10000", "PATCH", "/v1/reminders/" + id, `{"time":"9999-12-31T20:00:00Z"}`, "time"},
		{"patch start year 10000", "PATCH", "/v1/reminders/" + id, `{"rrule":"FREQ=DAILY","start":"9999-12-31T20:00:00Z"}`, "start"},
		{"patch start not a time", "PATCH", "/v1/reminders/" + id, `{"rrule":"FREQ=DAILY","start":"x"}`, "start"},
		{"parse now year 1", "POST", "/v1/parse", `{"text":"每天早上8点","now":"0001-01-01T00:00:00Z"}`, "now"},
		{"parse now year 3000", "POST", "/v1/parse", `{"text":"每周一上午9点","now":"3000-06-01T00:00:00Z"}`, "now"},
		{"parse now not a time", "POST", "/v1/parse", `{"text":"每周一上午9点","now":"later"}`, "now"},
		{"parse now a bool", "POST", "/v1/parse", `{"text":"每周一上午9点","now":false}`, "now"},
		{"parse no time", "POST", "/v1/parse", `{"text":"hello"}`, "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := a.JSON(t, tc.method, tc.path, tc.body, auth...)
			if code < 400 || code > 499 {
				t.Fatalf("%s → %d %v, want 4xx", tc.body, code, body)
			}
			if _, f := errField(t, code, body); f != tc.field {
				t.Errorf("%s → field %q (%v), want %q", tc.body, f, body, tc.field)
			}
		})
	}
	// The edges themselves are accepted, and the answer holds the reminder.
	for _, body := range []string{
		`{"title":"last","tz":"UTC","time":"9999-12-31T23:59:00Z"}`,
		`{"title":"last","time":"9999-12-31T15:59:00Z"}`,
		`{"title":"weekly","rrule":"FREQ=WEEKLY","start":"2999-12-31T00:00:00Z"}`,
	} {
		code, out := a.JSON(t, "POST", "/v1/reminders", body, auth...)
		if code != 201 || out["id"] == nil {
			t.Errorf("%s → %d %v, want 201 with the reminder", body, code, out)
		}
	}
}

// TestParseEveryNow reads recurring and one-off phrases from nows across
// the accepted years and beyond: never a 5xx, and a refusal names now.
func TestParseEveryNow(t *testing.T) {
	a := apptest.Start(t, nil)
	auth := []string{"Authorization", "Bearer " + a.Token(t, "parse")}
	phrases := []string{"每天早上8点", "每周一上午9点", "每月最后一天", "每年春节", "每年清明", "工作日9点", "明年今天", "后年三月", "every monday at 9am", "tomorrow 3pm", "2150年3月1日"}
	nows := []string{"1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00+08:00", "2026-11-27T10:00:00Z",
		"2899-12-31T15:59:59Z", "2899-12-31T16:00:00Z", "2999-12-31T00:00:00Z", "9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}
	for _, p := range phrases {
		for _, now := range nows {
			body, _ := json.Marshal(map[string]string{"text": p, "now": now})
			code, out := a.JSON(t, "POST", "/v1/parse", body, auth...)
			switch {
			case code == 200:
				if _, ok := out["time"].(string); !ok {
					t.Errorf("%s at %s: 200 without a time: %v", p, now, out)
				}
			case code >= 400 && code < 500:
				c, f := errField(t, code, out)
				if c == string(remind.CodeInvalid) && f != "now" && f != "text" || c == string(remind.CodeNoTime) && f != "text" {
					t.Errorf("%s at %s: %d %v", p, now, code, out)
				}
				ny, _ := time.Parse(time.RFC3339, now)
				if y := ny.In(time.FixedZone("CST", 8*3600)).Year(); (y < 1970 || y > 2899) != (f == "now") {
					t.Errorf("%s at %s (year %d in Shanghai): refused on %q", p, now, y, f)
				}
			default:
				t.Errorf("%s at %s: %d %v", p, now, code, out)
			}
		}
	}
}

// TestListSurvivesAnUnencodableRow stores a reminder whose time cannot be
// written as JSON (as one accepted before times were bounded could be):
// the listing still shows the others, and reading that one is a logged 500
// with an error body, never a 2xx with an empty one.
func TestListSurvivesAnUnencodableRow(t *testing.T) {
	a := apptest.Start(t, nil)
	tok := a.Token(t, "rows")
	auth := []string{"Authorization", "Bearer " + tok}
	for i := 0; i < 3; i++ {
		if code, out := a.JSON(t, "POST", "/v1/reminders", map[string]any{"title": "ok", "time": time.Now().Add(time.Hour).UnixMilli()}, auth...); code != 201 {
			t.Fatalf("create: %d %v", code, out)
		}
	}
	ctx := context.Background()
	tn, err := a.Service.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	bad := time.Date(10000, 1, 1, 4, 0, 0, 0, time.UTC)
	now := time.Now()
	r := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: "year 10000", TZ: "Asia/Shanghai", Time: &bad, Start: bad,
		NextFireAt: &bad, Status: remind.StatusActive, Source: "v1", CreatedAt: now, UpdatedAt: now}
	if _, _, err := a.Store.CreateReminder(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	code, out := a.JSON(t, "GET", "/v1/reminders", nil, auth...)
	if data, _ := out["data"].([]any); code != 200 || len(data) != 3 {
		t.Fatalf("list: %d %v, want the 3 good reminders", code, out)
	}
	code, out = a.JSON(t, "GET", "/v1/reminders/"+r.ID, nil, auth...)
	if c, _ := errField(t, code, out); code != 500 || c != "internal" {
		t.Fatalf("get: %d %v, want the JSON 500", code, out)
	}
	// Both are in the log at error level, naming the reminder.
	n := 0
	for _, line := range strings.Split(a.Logs(), "\n") {
		if strings.Contains(line, "level=ERROR") && strings.Contains(line, r.ID) && strings.Contains(line, "year outside of range") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d error lines name %s, want 2 (list and get):\n%s", n, r.ID, a.Logs())
	}
}

// recorder is a ResponseWriter that keeps what api.RecordError gives it.
type recorder struct {
	*httptest.ResponseRecorder
	errs []error
}

func (r *recorder) RecordError(err error) { r.errs = append(r.errs, err) }

type wrapped struct{ http.ResponseWriter }

func (w wrapped) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestWriteJSONNeverSendsACutBody(t *testing.T) {
	for _, v := range []any{
		map[string]any{"at": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		map[string]any{"c": make(chan int)},
		json.RawMessage(`{"a":`),
	} {
		rec := &recorder{ResponseRecorder: httptest.NewRecorder()}
		api.WriteJSON(wrapped{rec}, http.StatusCreated, v)
		if rec.Code != 500 || len(rec.errs) != 1 {
			t.Errorf("%v: status %d, %d errors recorded; want 500 and 1", v, rec.Code, len(rec.errs))
		}
		var body struct{ Error struct{ Code string } }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "internal" {
			t.Errorf("%v: body %q", v, rec.Body.String())
		}
	}
	rec := &recorder{ResponseRecorder: httptest.NewRecorder()}
	api.WriteJSON(rec, http.StatusCreated, map[string]string{"a": "<b>"})
	if rec.Code != 201 || len(rec.errs) != 0 || !bytes.Contains(rec.Body.Bytes(), []byte(`"<b>"`)) {
		t.Errorf("good value: %d %q %v", rec.Code, rec.Body.String(), rec.errs)
	}
}
