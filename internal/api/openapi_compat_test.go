package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/app"
)

// TestOpenAPIMatchesCompatibleAPIs checks real answers of the WeCron and
// team-remind endpoints against their entries in openapi.json, so those
// cannot drift either.
func TestOpenAPIMatchesCompatibleAPIs(t *testing.T) {
	doc := loadDoc(t)
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	a := startTestApp(t, func(cfg *app.Config) { cfg.Ops.RateLimit = 0 })
	ctx := context.Background()
	base := "http://" + a.Addr()
	token, _, err := a.Service.CreateToken(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	appID, secret, err := teamremind.CreateApp(ctx, a.Service, a.Store, "t1")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	call := func(method, path string, hdr map[string]string, body any) (int, map[string]any) {
		t.Helper()
		var raw []byte
		switch b := body.(type) {
		case nil:
		case string:
			raw = []byte(b)
		default:
			raw, _ = json.Marshal(b)
		}
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		validate(t, router, req, raw, resp, out, covered)
		var m map[string]any
		_ = json.Unmarshal(out, &m)
		return resp.StatusCode, m
	}
	auth := map[string]string{"Authorization": "Token " + token}
	future := time.Now().Add(time.Hour).UnixMilli()

	// WeCron: the seed's example with its time in the future, desc-only, errors, GET, poster, DELETE.
	code, r := call("POST", "/reminds/api/", auth, fmt.Sprintf(`{"time":%d,"desc":"我是测试提醒","title":"测试一下","defer":-60,"external_url":"https://www.baidu.com/s?wd=wecron"}`, future))
	if code != 200 {
		t.Fatalf("wecron create: %d %v", code, r)
	}
	id, _ := r["id"].(string)
	if code, _ := call("POST", "/reminds/api/", auth, `{"desc":"每月25号提醒我还信用卡"}`); code != 200 {
		t.Fatalf("wecron desc-only: %d", code)
	}
	if code, _ := call("POST", "/reminds/api/", auth, `{"desc":"买牛奶"}`); code != 400 {
		t.Fatalf("wecron no time: %d", code)
	}
	if code, _ := call("POST", "/reminds/api/", nil, `{"desc":"明天"}`); code != 401 {
		t.Fatalf("wecron no token: %d", code)
	}
	if code, _ := call("GET", "/reminds/api/"+id+"/", auth, nil); code != 200 {
		t.Fatalf("wecron get: %d", code)
	}
	if code, _ := call("GET", "/reminds/api/"+strings.Repeat("0", 32)+"/", auth, nil); code != 404 {
		t.Fatalf("wecron get unknown: %d", code)
	}
	if code, _ := call("GET", "/reminds/api/"+id+"/share_post/", nil, nil); code != 200 {
		t.Fatalf("wecron poster: %d", code)
	}
	if code, _ := call("DELETE", "/reminds/api/"+id+"/", auth, nil); code != 204 {
		t.Fatalf("wecron delete: %d", code)
	}

	// Team-remind: token, the five calls, in-band errors.
	_, tok := call("GET", "/openapi/token?appId="+appID+"&appSecret="+secret, nil, nil)
	data, _ := tok["data"].(map[string]any)
	at, _ := data["accessToken"].(string)
	if at == "" {
		t.Fatalf("token: %v", tok)
	}
	call("POST", "/openapi/token?appId="+appID+"&appSecret=wrong", nil, nil)
	q := "?accessToken=" + at
	detail := map[string]any{"createTime": time.Now().UnixMilli(), "content": "周会", "remindTime": future, "remindType": 0,
		"members": []map[string]any{{"uid": "u1", "name": "一"}, {"uid": "u2", "name": "二"}}}
	_, cr := call("POST", "/openapi/workbench/teamremind/create"+q, nil, map[string]any{"requesterUid": "boss", "requesterName": "老板", "detail": detail})
	crd, _ := cr["data"].(map[string]any)
	trID := crd["teamRemindId"]
	if trID == nil {
		t.Fatalf("create: %v", cr)
	}
	call("POST", "/openapi/workbench/teamremind/detail"+q, nil, map[string]any{"requesterUid": "boss", "teamRemindId": trID})
	detail["content"] = "周会改期"
	call("POST", "/openapi/workbench/teamremind/update"+q, nil, map[string]any{"requesterUid": "boss", "teamRemindId": trID, "detail": detail})
	call("POST", "/openapi/workbench/teamremind/update"+q, nil, map[string]any{"requesterUid": "u1", "teamRemindId": trID, "detail": detail})
	call("POST", "/openapi/workbench/teamremind/cancel"+q, nil, map[string]any{"requesterUid": "boss", "teamRemindId": trID})
	call("POST", "/openapi/workbench/teamremind/delete"+q, nil, map[string]any{"requesterUid": "boss", "teamRemindId": trID})
	call("POST", "/openapi/workbench/teamremind/detail?accessToken=nope", nil, map[string]any{"requesterUid": "boss", "teamRemindId": trID})

	if missing := uncovered(doc, covered, "/reminds/", "/openapi/"); len(missing) > 0 {
		t.Errorf("compatible operations not exercised: %v", missing)
	}
}
