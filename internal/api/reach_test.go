package api_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/app/apptest"
)

// Create, batch and update answers say whom the next firing reaches and
// warn in plain sentences; the owner recipient takes a reminder without
// recipients.
func TestReachesAndWarnings(t *testing.T) {
	a := apptest.Start(t, func(c *app.Config) {})
	auth := []string{"Authorization", "Bearer " + a.Token(t, "reach")}
	type answer struct {
		ID       string   `json:"id"`
		Reaches  int      `json:"reaches"`
		Warnings []string `json:"warnings"`
		Urgent   bool     `json:"urgent"`
	}
	decode := func(what string, code int, raw []byte, want int) answer {
		t.Helper()
		if code != want {
			t.Fatalf("%s: %d %s", what, code, raw)
		}
		var out answer
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	at := time.Now().Add(24 * time.Hour).UnixMilli()
	code, raw := a.Do(t, "POST", "/v1/reminders", map[string]any{"title": "alone", "time": at}, auth...)
	got := decode("nobody", code, raw, 201)
	if got.Reaches != 0 || !slices.Equal(got.Warnings, []string{"nobody will be reached: add a recipient, a webhook or the owner's e-mail"}) {
		t.Fatalf("without recipients or owner: %+v", got)
	}

	// The owner's e-mail: the same reminder now reaches the owner's inbox
	// (e-mail is not configured on this test server, and says so).
	if code, raw := a.Do(t, "PUT", "/v1/recipients/owner", map[string]any{"name": "Me", "email": "me@example.com"}, auth...); code != 200 {
		t.Fatalf("put owner: %d %s", code, raw)
	}
	code, raw = a.Do(t, "PATCH", "/v1/reminders/"+got.ID, map[string]any{"title": "alone again"}, auth...)
	if got = decode("owner", code, raw, 200); got.Reaches != 1 || !slices.Equal(got.Warnings, []string{"channel email is not configured on this server"}) {
		t.Fatalf("to the owner: %+v", got)
	}

	// SMS is not configured on this test server; bob has no phone.
	a.Do(t, "PUT", "/v1/recipients/bob", map[string]any{"name": "Bob", "email": "bob@example.com"}, auth...)
	code, raw = a.Do(t, "POST", "/v1/reminders", map[string]any{"title": "sms", "time": at, "recipients": []string{"bob"}, "channels": []string{"sms", "inbox"}, "urgent": true}, auth...)
	got = decode("sms", code, raw, 201)
	want := []string{"channel sms is not configured on this server", "recipient bob has no phone for channel sms"}
	if got.Reaches != 1 || !slices.Equal(got.Warnings, want) || !got.Urgent {
		t.Fatalf("sms: %+v, want 1 and %q", got, want)
	}

	code, raw = a.Do(t, "POST", "/v1/reminders/batch", map[string]any{"reminders": []any{
		map[string]any{"title": "bad"},
		map[string]any{"title": "to bob", "time": at, "recipients": []string{"bob"}},
		map[string]any{"title": "to owner", "time": at},
	}}, auth...)
	if code != 200 {
		t.Fatalf("batch: %d %s", code, raw)
	}
	var batch struct {
		Results []struct {
			Status   int     `json:"status"`
			Reminder *answer `json:"reminder"`
		} `json:"results"`
	}
	json.Unmarshal(raw, &batch)
	if len(batch.Results) != 3 || batch.Results[0].Reminder != nil || batch.Results[1].Reminder.Reaches != 1 || batch.Results[2].Reminder.Reaches != 1 {
		t.Fatalf("batch: %s", raw)
	}

	// Profile validation names the field.
	for field, body := range map[string]map[string]any{
		"tz":                 {"tz": "Mars/Olympus"},
		"lang":               {"lang": "fr"},
		"preferred_channels": {"preferred_channels": []string{"pigeon"}},
		"quiet_hours":        {"quiet_hours": "22:00-22:00"},
	} {
		code, raw := a.Do(t, "PUT", "/v1/recipients/bob", body, auth...)
		var e struct {
			Error struct {
				Field string `json:"field"`
			} `json:"error"`
		}
		json.Unmarshal(raw, &e)
		if code != 400 || e.Error.Field != field {
			t.Errorf("%s: %d %s", field, code, raw)
		}
	}
}
