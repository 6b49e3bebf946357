package teamremind_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/app/apptest"
	"github.com/raasdev/raas/internal/remind"
)

// client is a team-remind app of one tenant on a running service.
type client struct {
	a      *apptest.App
	tenant remind.Tenant
	token  string
}

func newClient(t *testing.T) *client {
	t.Helper()
	a := apptest.Start(t, nil)
	ctx := context.Background()
	appID, secret, err := teamremind.CreateApp(ctx, a.Service, a.Store, "team")
	if err != nil {
		t.Fatal(err)
	}
	code, out := a.JSON(t, "GET", "/openapi/token?appId="+url.QueryEscape(appID)+"&appSecret="+url.QueryEscape(secret), nil)
	data, _ := out["data"].(map[string]any)
	tok, _ := data["accessToken"].(string)
	if code != 200 || tok == "" {
		t.Fatalf("token: %d %v", code, out)
	}
	tn, err := a.Service.EnsureTenant(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}
	return &client{a: a, tenant: tn, token: tok}
}

func (c *client) call(t *testing.T, op string, body any) map[string]any {
	t.Helper()
	code, out := c.a.JSON(t, "POST", "/openapi/workbench/teamremind/"+op+"?accessToken="+url.QueryEscape(c.token), body)
	if code != 200 {
		t.Fatalf("%s: HTTP %d %v", op, code, out)
	}
	return out
}

// known reports whether the tenant has a recipient uid.
func (c *client) known(t *testing.T, uid string) bool {
	t.Helper()
	_, err := c.a.Service.GetRecipient(context.Background(), c.tenant, uid)
	if err != nil && !errors.Is(err, remind.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// TestRefusalsNameTheFieldAndLeaveNothing sends bad create and update
// requests: each is refused in-band (4000 or 4013) naming the request's
// own field, and none leaves a member recipient (or a reminder) behind.
func TestRefusalsNameTheFieldAndLeaveNothing(t *testing.T) {
	c := newClient(t)
	soon := time.Now().Add(time.Hour).UnixMilli()
	out := c.call(t, "create", map[string]any{"requesterUid": "boss", "requesterName": "Boss",
		"detail": map[string]any{"content": "周会", "remindTime": soon, "remindType": 0, "members": []any{map[string]any{"uid": "m0", "name": "M0"}}}})
	if out["status"].(float64) != 0 {
		t.Fatalf("create: %v", out)
	}
	id := out["data"].(map[string]any)["teamRemindId"]
	year10000 := time.Date(9999, 12, 31, 20, 0, 0, 0, time.UTC).UnixMilli() // 10000-01-01 04:00 in Shanghai
	n := 0
	detail := func(d string) string {
		n++
		return fmt.Sprintf(`{"requesterUid":"boss","requesterName":"Boss","teamRemindId":%v,"detail":%s}`, id, strings.ReplaceAll(d, "GHOST", fmt.Sprintf("ghost%d", n)))
	}
	members := `"members":[{"uid":"GHOST","name":"G"}]`
	for _, tc := range []struct {
		name, body, field string
		status            float64
	}{
		{"remindTime a word", detail(`{"content":"x","remindTime":"tomorrow",` + members + `}`), "detail.remindTime", 4000},
		{"remindTime a fraction", detail(`{"content":"x","remindTime":1.5,` + members + `}`), "detail.remindTime", 4000},
		{"remindTime an object", detail(`{"content":"x","remindTime":{},` + members + `}`), "detail.remindTime", 4000},
		{"remindTime in year 10000 locally", detail(fmt.Sprintf(`{"content":"x","remindTime":%d,`, year10000) + members + `}`), "detail.remindTime", 4000},
		{"remindTime beyond 9999", detail(`{"content":"x","remindTime":253402300800000,` + members + `}`), "detail.remindTime", 4000},
		{"remindTime in the past, no time in content", detail(`{"content":"周会","remindTime":1000,` + members + `}`), "detail.remindTime", 4000},
		{"remindType a word", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"remindType":"sms",` + members + `}`), "detail.remindType", 4000},
		{"remindType unknown", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"remindType":7,` + members + `}`), "detail.remindType", 4000},
		{"createTime a bool", detail(`{"content":"x","createTime":true,"remindTime":` + fmt.Sprint(soon) + `,` + members + `}`), "detail.createTime", 4000},
		{"content missing", detail(`{"remindTime":` + fmt.Sprint(soon) + `,` + members + `}`), "detail.content", 4000},
		{"content a number", detail(`{"content":5,"remindTime":` + fmt.Sprint(soon) + `,` + members + `}`), "detail.content", 4000},
		{"content with control characters", detail(`{"content":"明天\u0001下午3点",` + members + `}`), "detail.content", 4000},
		{"no time in content", detail(`{"content":"没有时间",` + members + `}`), "detail.content", 4013},
		{"members missing", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `}`), "detail.members", 4000},
		{"members an object", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":{"uid":"GHOST"}}`), "detail.members", 4000},
		{"member a string", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"G"},"m"]}`), "detail.members[1]", 4000},
		{"member uid a bool", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"G"},{"uid":true}]}`), "detail.members[1].uid", 4000},
		{"member uid empty", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"G"},{"uid":""}]}`), "detail.members[1].uid", 4000},
		{"member uid with a slash", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"G"},{"uid":"a/b"}]}`), "detail.members[1].uid", 4000},
		{"member name a number", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"G"},{"uid":"u","name":7}]}`), "detail.members[1].name", 4000},
		{"member name too long", detail(`{"content":"x","remindTime":` + fmt.Sprint(soon) + `,"members":[{"uid":"GHOST","name":"` + strings.Repeat("名", 101) + `"}]}`), "detail.members[0].name", 4000},
		{"requesterName too long", strings.Replace(detail(`{"content":"x","remindTime":`+fmt.Sprint(soon)+`,`+members+`}`), `"Boss"`, `"`+strings.Repeat("b", 101)+`"`, 1), "requesterName", 4000},
		{"requesterName a number", strings.Replace(detail(`{"content":"x","remindTime":`+fmt.Sprint(soon)+`,`+members+`}`), `"Boss"`, `1`, 1), "requesterName", 4000},
		{"detail a string", detail(`"x"`), "detail", 4000},
		{"detail missing", `{"requesterUid":"boss","teamRemindId":` + fmt.Sprint(id) + `}`, "detail", 4000},
		{"requesterUid an array", `{"requesterUid":[],"detail":{}}`, "requesterUid", 4000},
		{"requesterUid missing", `{"detail":{}}`, "requesterUid", 4000},
		{"not an object", `[1,2]`, "body", 4000},
		{"not JSON", `{"detail":`, "body", 4000},
	} {
		for _, op := range []string{"create", "update"} {
			t.Run(op+" "+tc.name, func(t *testing.T) {
				out := c.call(t, op, tc.body)
				if out["status"] != tc.status || out["field"] != tc.field || out["message"] == "" {
					t.Errorf("%s → %v, want status %v naming %s", tc.body, out, tc.status, tc.field)
				}
			})
		}
	}
	for i := 1; i <= n; i++ {
		if uid := fmt.Sprintf("ghost%d", i); c.known(t, uid) {
			t.Errorf("a refused request left recipient %s behind", uid)
		}
	}
	// An accepted request still makes its members known.
	out = c.call(t, "update", fmt.Sprintf(`{"requesterUid":"boss","teamRemindId":%v,"detail":{"content":"周会","remindTime":%d,"members":[{"uid":"m1","name":"M1"}]}}`, id, soon))
	if out["status"].(float64) != 0 || !c.known(t, "m1") {
		t.Fatalf("update: %v; m1 known: %v", out, c.known(t, "m1"))
	}
}
