package wecron_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app/apptest"
)

// TestRefusalsNameTheField sends bad WeCron creates: each is a 4xx whose
// field is one WeCron has (time, title, desc, defer, external_url, body),
// the one at fault.
func TestRefusalsNameTheField(t *testing.T) {
	a := apptest.Start(t, nil)
	auth := []string{"Authorization", "Token " + a.Token(t, "wecron")}
	soon := time.Now().Add(time.Hour).UnixMilli()
	year10000 := time.Date(9999, 12, 31, 20, 0, 0, 0, time.UTC).UnixMilli() // 10000-01-01 04:00 in Shanghai
	for _, tc := range []struct {
		name, body, ct, field string
	}{
		{"nothing", `{}`, "", "time"},
		{"blank desc and title", `{"title":"  ","desc":" "}`, "", "time"},
		{"no time in title", `{"title":"买牛奶"}`, "", "time"},
		{"no time in desc", `{"title":"x","desc":"买牛奶"}`, "", "desc"},
		{"control character in desc", `{"desc":"明天\u0001下午3点"}`, "", "desc"},
		{"control character in title read for the time", `{"title":"明天\u0001下午3点"}`, "", "title"},
		{"desc too long", `{"desc":"明天下午3点` + strings.Repeat("长", 4000) + `"}`, "", "desc"},
		{"title too long", fmt.Sprintf(`{"title":"%s","time":%d}`, strings.Repeat("长", 201), soon), "", "title"},
		{"time a word", `{"title":"x","time":"tomorrow"}`, "", "time"},
		{"time a bool", `{"title":"x","time":true}`, "", "time"},
		{"time negative", `{"title":"x","time":-5}`, "", "time"},
		{"time in the past", `{"title":"x","time":1000}`, "", "time"},
		{"time in year 10000 locally", fmt.Sprintf(`{"title":"x","time":%d}`, year10000), "", "time"},
		{"time past 9999", `{"title":"x","time":253402300800000}`, "", "time"},
		{"time in a form", "title=x&time=soon", "application/x-www-form-urlencoded", "time"},
		{"defer a word", fmt.Sprintf(`{"title":"x","time":%d,"defer":"ten"}`, soon), "", "defer"},
		{"defer huge", fmt.Sprintf(`{"title":"x","time":%d,"defer":99999999}`, soon), "", "defer"},
		{"defer into year 10000", fmt.Sprintf(`{"title":"x","time":%d,"defer":525600}`, time.Date(9999, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()), "", "defer"},
		{"defer into the past", fmt.Sprintf(`{"title":"x","time":%d,"defer":-600}`, soon), "", "defer"},
		{"title a number", fmt.Sprintf(`{"title":5,"time":%d}`, soon), "", "title"},
		{"desc an object", `{"desc":{}}`, "", "desc"},
		{"bad external_url", fmt.Sprintf(`{"title":"x","time":%d,"external_url":"javascript:alert(1)"}`, soon), "", "external_url"},
		{"not an object", `[1]`, "", "body"},
		{"not JSON", `{"title":`, "", "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := auth
			if tc.ct != "" {
				hdr = append(append([]string(nil), auth...), "Content-Type", tc.ct)
			}
			code, out := a.JSON(t, "POST", "/reminds/api/", tc.body, hdr...)
			if code < 400 || code > 499 || out["field"] != tc.field || !strings.HasPrefix(fmt.Sprint(out["detail"]), tc.field+": ") {
				t.Errorf("%.80s → %d %v, want 4xx naming %s", tc.body, code, out, tc.field)
			}
		})
	}
}
