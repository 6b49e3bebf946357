package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind/remindtest"

	"github.com/raasdev/raas/internal/channel/notify"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// fake is a local notification service that records what it is sent.
type fake struct {
	srv    *httptest.Server
	status int
	mu     sync.Mutex
	reqs   []req
}

type req struct {
	method, path, query, body string
	header                    http.Header
}

func newFake(t *testing.T) *fake {
	f := &fake{status: 200}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, req{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Clone()})
		status := f.status
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status != 200 { // Gotify's and ntfy's error answer
			io.WriteString(w, `{"error":"`+http.StatusText(status)+`","errorCode":`+strconv.Itoa(status)+`,"code":`+strconv.Itoa(status)+`,"errorDescription":"`+http.StatusText(status)+`"}`)
			return
		}
		io.WriteString(w, `{"id":1,"code":200,"message":"success"}`)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) host() string { u, _ := url.Parse(f.srv.URL); return u.Host }

func (f *fake) got() []req {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]req(nil), f.reqs...)
}

type recips map[string]remind.Recipient

func (r recips) GetRecipient(_ context.Context, _, uid string) (remind.Recipient, error) {
	rc, ok := r[uid]
	if !ok {
		return rc, remind.ErrNotFound
	}
	return rc, nil
}

var (
	fireAt = time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC)
	allow  = netguard.Policy{AllowPrivate: true}
)

func deliveries(t *testing.T, urls ...string) (recips, []remind.Delivery) {
	rc := remind.Recipient{TenantID: "t", UID: "me", Contacts: remind.Contacts{Notify: urls}}
	r := remind.Reminder{ID: "r1", TenantID: "t", Title: "周会 Weekly", Desc: "bring the report", TZ: "Asia/Shanghai", Time: &fireAt,
		ExternalURL: "https://example.com/m", Recipients: []string{"me"}, Channels: []string{remind.ChannelNotify}}
	ds := remindtest.NotInbox(remind.Plan(r, fireAt, map[string]remind.Recipient{"me": rc}, nil, fireAt, remind.FirePolicy{Links: remindtest.Links}))
	if len(ds) != len(urls) {
		t.Fatalf("planned %d deliveries for %d URLs", len(ds), len(urls))
	}
	return recips{"me": rc}, ds
}

// Services whose host is configurable, each against a local fake: the
// message reaches the service's API path with title, time and link.
func TestSendToLocalServices(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(host string) string
		path string
	}{
		{"ntfy", func(h string) string { return "ntfy://" + h + "/reminders?scheme=http" }, "/reminders"},
		{"gotify", func(h string) string { return "gotify://" + h + "/Aabcdefghijklmn?disabletls=yes" }, "/message"},
		{"generic", func(h string) string { return "generic+http://" + h + "/hook" }, "/hook"},
		{"bark", func(h string) string { return "bark://:devicekey@" + h + "/?scheme=http" }, "/push"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			rs, ds := deliveries(t, tc.url(f.host()))
			s := notify.NewSender(rs, netguard.Client(5*time.Second, true), allow)
			if _, err := s.Send(context.Background(), ds[0]); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := f.got()
			if len(got) != 1 || got[0].path != tc.path {
				t.Fatalf("fake took %+v", got)
			}
			all := got[0].body + got[0].query + strings.Join(got[0].header.Values("Title"), "") + strings.Join(got[0].header.Values("X-Title"), "")
			ev, _ := remind.DecodeEvent(ds[0].Payload)
			if ev.Data.Links == nil {
				t.Fatal("the planned event has no action links")
			}
			// The action links reach the service in the message text.
			for _, want := range []string{"bring the report", "2030-05-06 09:30 CST (Asia/Shanghai)", ev.Data.Links.Confirm, ev.Data.Links.Snooze1h, ev.Data.Links.Page} {
				if !strings.Contains(all, want) {
					t.Errorf("request %+v lacks %q", got[0], want)
				}
			}
		})
	}
}

// A refusal from the service (401: a wrong token) fails the delivery for
// good; a 500 is retried; neither error shows the URL or its token.
func TestServiceErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{401, true}, {404, true}, {500, false}} {
		f := newFake(t)
		f.status = tc.status
		u := "gotify://" + f.host() + "/Asecrettokenxyz?disabletls=yes"
		rs, ds := deliveries(t, u)
		_, err := notify.NewSender(rs, nil, allow).Send(context.Background(), ds[0])
		if err == nil || deliver.IsPermanent(err) != tc.permanent {
			t.Fatalf("%d: err = %v, want permanent %v", tc.status, err, tc.permanent)
		}
		if strings.Contains(err.Error(), "Asecrettokenxyz") {
			t.Fatalf("%d: error shows the token: %v", tc.status, err)
		}
	}
}

const teams = "teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/33333301222222222233333333333344/44444444-4444-4444-8444-cccccccccccc/V2ESyij_gAljSoUQHvZoZYzlpAoAXExyOl26dlf1xHEx05"

func TestCheck(t *testing.T) {
	deny := netguard.Policy{}
	for _, tc := range []struct {
		url     string
		p       netguard.Policy
		ok      bool
		address bool
	}{
		{"ntfy://ntfy.sh/topic", deny, true, false},
		{"slack://hook:AAAAAAAAA-BBBBBBBBB-123456789123456789123456@webhook", deny, true, false},
		{"telegram://123456:ABCdef@telegram?chats=@chan", deny, true, false},
		{"discord://token@123456789", deny, true, false},
		{teams + "?host=test.webhook.office.com", deny, true, false},
		{teams + "?host=localhost", deny, false, true},
		{"gotify://gotify.example.com/Aabcdefghijklmn", deny, true, false},
		{"ntfy://127.0.0.1/topic", deny, false, true},
		{"ntfy://127.0.0.1/topic", allow, true, false},
		{"generic+https://10.0.0.1/hook", deny, false, true},
		{"smtp://mail.example.com", deny, false, false},
		{"logger://", deny, false, false},
		{"not a url", deny, false, false},
	} {
		err := notify.Check(context.Background(), tc.url, tc.p)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tc.url, err, tc.ok)
			continue
		}
		if err != nil {
			ue, isURL := err.(*netguard.URLError)
			if !isURL || ue.Address != tc.address {
				t.Errorf("Check(%q) = %#v, want a URLError (address %v)", tc.url, err, tc.address)
			}
			if strings.Contains(err.Error(), tc.url) {
				t.Errorf("Check(%q) quotes the URL: %v", tc.url, err)
			}
		}
	}
}

// A URL refused at send time (a private address without
// --allow-private-targets) is not called.
func TestSendRechecksTheURL(t *testing.T) {
	f := newFake(t)
	rs, ds := deliveries(t, "ntfy://"+f.host()+"/t?scheme=http")
	_, err := notify.NewSender(rs, netguard.Client(5*time.Second, false), netguard.Policy{}).Send(context.Background(), ds[0])
	if !deliver.IsPermanent(err) || len(f.got()) != 0 {
		t.Fatalf("err = %v, requests %d", err, len(f.got()))
	}
	rs["me"] = remind.Recipient{UID: "me"}
	if _, err := notify.NewSender(rs, nil, allow).Send(context.Background(), ds[0]); !deliver.IsPermanent(err) {
		t.Fatalf("removed URL: %v", err)
	}
}

// A server that never answers holds at most MaxInflightPerHost calls:
// sends past them are put off without calling it, and its slots come back
// when its calls end.
func TestHungServerHoldsFewCalls(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, notify.MaxInflightPerHost+1)
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		arrived <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	rs, ds := deliveries(t, "generic+http://"+strings.TrimPrefix(srv.URL, "http://")+"/hook")
	s := notify.NewSender(rs, nil, allow)
	for i := range notify.MaxInflightPerHost {
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() { _, err := s.Send(ctx, ds[0]); got <- err }()
		// Wait for the call to reach the server, then abandon it.
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("call %d never arrived", i+1)
		}
		cancel()
		if err := <-got; !errors.Is(err, context.Canceled) {
			t.Fatalf("abandoned send: %v", err)
		}
	}
	_, err := s.Send(context.Background(), ds[0])
	if after, ok := deliver.RetryAfterOf(err); !ok || after <= 0 {
		t.Fatalf("send past the limit: %v", err)
	}
	mu.Lock()
	if calls != notify.MaxInflightPerHost {
		t.Fatalf("server called %d times", calls)
	}
	mu.Unlock()
	close(release)
	// The slots come back as the abandoned calls end on the client side,
	// which the server cannot see: poll, on a ticker, with a deadline.
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := s.Send(context.Background(), ds[0])
		if err == nil {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("slots never came back: %v", err)
		case <-tick.C:
		}
	}
}
