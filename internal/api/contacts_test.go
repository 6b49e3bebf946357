package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/app/apptest"
)

const robotSecret = "SECf00dfeedc0ffee0123456789"

func contactsBody(host string) map[string]any {
	return map[string]any{"name": "团队群", "contacts": map[string]any{
		"dingtalk": map[string]any{"webhook": "http://" + host + "/robot/send?access_token=tok", "secret": robotSecret},
		"feishu":   map[string]any{"webhook": "http://" + host + "/open-apis/bot/v2/hook/h", "secret": robotSecret + "f"},
		"wecom":    map[string]any{"webhook": "http://" + host + "/cgi-bin/webhook/send?key=k"},
		"notify":   []string{"ntfy://" + host + "/team?scheme=http"},
	}}
}

// A recipient's contacts are stored with their secrets sealed, shown as
// "set" and never returned or logged; a PUT without contacts keeps them,
// "set" keeps a secret, {} clears them.
func TestRecipientContacts(t *testing.T) {
	a := apptest.Start(t, func(c *app.Config) {})
	auth := []string{"Authorization", "Bearer " + a.Token(t, "contacts")}
	code, raw := a.Do(t, "PUT", "/v1/recipients/team-chat", contactsBody("127.0.0.1:9"), auth...)
	if code != 200 {
		t.Fatalf("put: %d %s", code, raw)
	}
	check := func(what string, raw []byte) map[string]any {
		t.Helper()
		if strings.Contains(string(raw), robotSecret) {
			t.Fatalf("%s shows the secret: %s", what, raw)
		}
		var out map[string]any
		json.Unmarshal(raw, &out)
		c, _ := out["contacts"].(map[string]any)
		if c == nil {
			t.Fatalf("%s: no contacts in %s", what, raw)
		}
		return c
	}
	c := check("put", raw)
	for _, r := range []string{"dingtalk", "feishu"} {
		if s := c[r].(map[string]any)["secret"]; s != "set" {
			t.Fatalf("%s secret shown as %v", r, s)
		}
	}
	if _, has := c["wecom"].(map[string]any)["secret"]; has {
		t.Fatalf("wecom shows a secret: %v", c["wecom"])
	}
	_, raw = a.Do(t, "GET", "/v1/recipients/team-chat", nil, auth...)
	check("get", raw)

	rc, err := a.Store.GetRecipient(context.Background(), mustTenant(t, a, "contacts"), "team-chat")
	if err != nil {
		t.Fatal(err)
	}
	sealed := rc.Contacts.DingTalk.SealedSecret
	if !strings.HasPrefix(sealed, "v1:") || strings.Contains(sealed, robotSecret) {
		t.Fatalf("stored secret %q is not sealed", sealed)
	}

	// Saved again without contacts (a form that does not show them): kept.
	if code, raw = a.Do(t, "PUT", "/v1/recipients/team-chat", map[string]any{"name": "团队群 2"}, auth...); code != 200 {
		t.Fatalf("put without contacts: %d %s", code, raw)
	}
	check("put without contacts", raw)
	// Sent back as GET shows it: the secrets are kept.
	body := contactsBody("127.0.0.1:9")
	body["contacts"].(map[string]any)["dingtalk"].(map[string]any)["secret"] = "set"
	if code, raw = a.Do(t, "PUT", "/v1/recipients/team-chat", body, auth...); code != 200 {
		t.Fatalf("put with set: %d %s", code, raw)
	}
	rc, _ = a.Store.GetRecipient(context.Background(), rc.TenantID, "team-chat")
	if rc.Contacts.DingTalk.SealedSecret != sealed {
		t.Fatal(`"set" did not keep the secret`)
	}
	if code, raw = a.Do(t, "PUT", "/v1/recipients/team-chat", map[string]any{"contacts": map[string]any{}}, auth...); code != 200 || strings.Contains(string(raw), "contacts") {
		t.Fatalf("clear: %d %s", code, raw)
	}
	if strings.Contains(a.Logs(), robotSecret) {
		t.Fatal("the secret was logged")
	}
}

func mustTenant(t *testing.T, a *apptest.App, name string) string {
	t.Helper()
	tn, err := a.Store.TenantByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

// Bad contacts are refused with 400 naming the field sent; robot and
// service hosts on private addresses are refused without
// --allow-private-targets.
func TestRecipientContactsRefusals(t *testing.T) {
	a := apptest.Start(t, func(c *app.Config) { c.AllowPrivateTargets = false })
	auth := []string{"Authorization", "Bearer " + a.Token(t, "refusals")}
	for _, tc := range []struct {
		name, body, field string
	}{
		{"dingtalk on loopback", `{"contacts":{"dingtalk":{"webhook":"https://127.0.0.1/robot/send?access_token=x"}}}`, "contacts.dingtalk.webhook"},
		{"feishu on a private name", `{"contacts":{"feishu":{"webhook":"https://bot.internal/open-apis/bot/v2/hook/x"}}}`, "contacts.feishu.webhook"},
		{"wecom not http", `{"contacts":{"wecom":{"webhook":"ftp://qyapi.weixin.qq.com/x"}}}`, "contacts.wecom.webhook"},
		{"robot without webhook", `{"contacts":{"dingtalk":{"secret":"SEC1"}}}`, "contacts.dingtalk.webhook"},
		{"wecom with a secret", `{"contacts":{"wecom":{"webhook":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k","secret":"s"}}}`, "contacts.wecom.secret"},
		{"set with none stored", `{"contacts":{"dingtalk":{"webhook":"https://oapi.dingtalk.com/robot/send?access_token=x","secret":"set"}}}`, "contacts.dingtalk.secret"},
		{"notify on loopback", `{"contacts":{"notify":["ntfy://ntfy.sh/ok","ntfy://127.0.0.1/t"]}}`, "contacts.notify[1]"},
		{"notify unknown service", `{"contacts":{"notify":["smtp://mail.example.com"]}}`, "contacts.notify[0]"},
		{"unknown contact", `{"contacts":{"fax":{}}}`, "fax"},
		{"unknown channel on a reminder", `{"title":"x","time":"2099-01-01T00:00:00Z","channels":["lark"]}`, "channels"},
	} {
		path := "/v1/recipients/r1"
		if strings.Contains(tc.body, `"title"`) {
			path = "/v1/reminders"
		}
		code, body := a.JSON(t, map[bool]string{true: "POST", false: "PUT"}[path == "/v1/reminders"], path, tc.body, auth...)
		if code != 400 {
			t.Errorf("%s: %d %v", tc.name, code, body)
			continue
		}
		if _, f := errField(t, code, body); f != tc.field {
			t.Errorf("%s: field %q, want %q (%v)", tc.name, f, tc.field, body)
		}
	}
}
