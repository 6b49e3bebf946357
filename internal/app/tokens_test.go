package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestRevokedTokenStopsEverywhere: a tenant lists, creates and revokes its
// own tokens over v1 (and cannot see or revoke another tenant's); a
// revoked token stops authenticating at once on v1, the WeCron API and the
// dashboard, whose session ends with it.
func TestRevokedTokenStopsEverywhere(t *testing.T) {
	cfg := Defaults()
	cfg.Ops.Metrics, cfg.Ops.RateLimit = false, 0
	a := testApp(t, cfg)
	h := a.Handler()
	do := func(method, path, auth string, body string, cookie *http.Cookie) (*httptest.ResponseRecorder, map[string]any) {
		t.Helper()
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if strings.HasPrefix(path, "/dashboard/login") {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var m map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &m)
		return w, m
	}
	want := func(w *httptest.ResponseRecorder, code int, what string) {
		t.Helper()
		if w.Code != code {
			t.Fatalf("%s: %d, want %d: %s", what, w.Code, code, w.Body)
		}
	}
	a1, _, err := a.Service.CreateToken(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	b1, _, err := a.Service.CreateToken(t.Context(), "bravo")
	if err != nil {
		t.Fatal(err)
	}
	w, created := do("POST", "/v1/tokens", "Bearer "+a1, "", nil)
	want(w, 201, "create token")
	a2, _ := created["token"].(string)
	if !strings.HasPrefix(a2, "raas_") || created["id"] == "" {
		t.Fatalf("created %v", created)
	}
	ids := func(auth string) map[string]map[string]any {
		t.Helper()
		w, m := do("GET", "/v1/tokens", auth, "", nil)
		want(w, 200, "list tokens")
		out := map[string]map[string]any{}
		for _, x := range m["data"].([]any) {
			k := x.(map[string]any)
			if _, ok := k["token"]; ok || strings.Contains(w.Body.String(), "raas_") {
				t.Fatalf("a token list shows a secret: %s", w.Body)
			}
			out[k["id"].(string)] = k
		}
		return out
	}
	aIDs, bIDs := ids("Bearer "+a2), ids("Bearer "+b1)
	if len(aIDs) != 2 || len(bIDs) != 1 {
		t.Fatalf("acme sees %d tokens, bravo %d; want 2 and 1", len(aIDs), len(bIDs))
	}
	var a1ID string
	for id, k := range aIDs {
		if id != created["id"] {
			a1ID = id
			if k["last_used_at"] == nil {
				t.Fatalf("a1 was used but shows no last use: %v", k)
			}
		}
	}
	// Bravo can neither see nor revoke acme's tokens.
	w, _ = do("DELETE", "/v1/tokens/"+a1ID, "Bearer "+b1, "", nil)
	want(w, 404, "bravo revokes acme's token")

	// a1 works everywhere, and opens a dashboard session.
	want(first(do("GET", "/v1/tenant", "Bearer "+a1, "", nil)), 200, "v1 before revoke")
	w, rem := do("POST", "/reminds/api/", "Token "+a1, `{"desc":"明天下午3点开会"}`, nil)
	want(w, 200, "WeCron create before revoke")
	w, _ = do("POST", "/dashboard/login", "", url.Values{"token": {a1}}.Encode(), nil)
	want(w, 303, "dashboard sign-in")
	session := w.Result().Cookies()[0]
	if strings.Contains(session.Value, a1) {
		t.Fatal("the dashboard cookie holds the API token")
	}
	want(first(do("GET", "/dashboard", "", "", session)), 200, "dashboard before revoke")

	w, _ = do("DELETE", "/v1/tokens/"+a1ID, "Bearer "+a2, "", nil)
	want(w, 204, "revoke a1")
	want(first(do("GET", "/v1/tenant", "Bearer "+a1, "", nil)), 401, "v1 after revoke")
	want(first(do("GET", "/reminds/api/"+rem["id"].(string)+"/", "Token "+a1, "", nil)), 401, "WeCron after revoke")
	w, _ = do("GET", "/dashboard", "", "", session)
	if w.Code != 303 || w.Header().Get("Location") != "/dashboard/login" {
		t.Fatalf("dashboard session after revoke: %d %q", w.Code, w.Header().Get("Location"))
	}
	want(first(do("GET", "/reminds/api/"+rem["id"].(string)+"/", "Token "+a2, "", nil)), 200, "another token of the tenant")
	if len(ids("Bearer "+a2)) != 1 {
		t.Fatal("the revoked token is still listed")
	}
}

func first[A, B any](a A, _ B) A { return a }
