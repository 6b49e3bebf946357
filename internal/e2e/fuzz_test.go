package e2e

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/raasdev/raas/internal/app"
)

// FuzzCreateReminder sends arbitrary bodies to POST /v1/reminders: the
// answer is never a 500 and always JSON.
func FuzzCreateReminder(f *testing.F) {
	for _, seed := range []string{
		`{"title":"x","time":"2099-01-01T00:00:00Z"}`,
		`{"title":"x","rrule":"FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=25"}`,
		`{"text":"每月25号提醒我还信用卡"}`,
		`{"title":"x","rrule":"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30","tz":"Asia/Shanghai"}`,
		`{"title":"x","rrule":"RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=13L"}`,
		`{"time":1e400}`, `{"time":[]}`, `{"recipients":{}}`, `[]`, `null`, `"x"`, `{"defer":-1e9}`,
		`{"title":"x","rrule":"FREQ=DAILY;UNTIL=19000101T000000Z"}`,
		`{"title":"x","rrule":"FREQ=HOURLY;INTERVAL=0"}`,
	} {
		f.Add([]byte(seed))
	}
	a := startAppF(f)
	client := &http.Client{}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest("POST", a.URL+"/v1/reminders", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+a.Token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", resp.StatusCode, body, raw)
		}
		if resp.StatusCode == 429 {
			return
		}
		if len(raw) == 0 || raw[0] != '{' {
			t.Fatalf("answer is not a JSON object: %q", raw)
		}
	})
}

// FuzzRRule sends arbitrary RRULE strings through the create path.
func FuzzRRule(f *testing.F) {
	for _, seed := range []string{"FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=DAILY;X-WORKDAY=CN",
		"RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", "FREQ=MINUTELY;INTERVAL=1;COUNT=100000", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=SU", ";;;=", "FREQ=DAILY;BYSETPOS=-366"} {
		f.Add(seed, "Asia/Shanghai")
	}
	a := startAppF(f)
	f.Fuzz(func(t *testing.T, rrule, tz string) {
		status, out := doF(t, a, map[string]any{"title": "fuzz", "rrule": rrule, "tz": tz})
		if status >= 500 {
			t.Fatalf("status %d for rrule %q tz %q: %v", status, rrule, tz, out)
		}
	})
}

func doF(t *testing.T, a *testApp, body any) (int, map[string]any) {
	return do(t, "POST", a.URL+"/v1/reminders", a.Token, body)
}

// startAppF starts the app for a fuzz target with rate limiting off.
func startAppF(f *testing.F) *testApp {
	return startAppTB(f, func(c *app.Config) { c.Ops.RateLimit = 0 })
}
