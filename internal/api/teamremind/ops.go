package teamremind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/zone"
)

// spec is a checked detail: what create and update need.
type spec struct {
	content    string
	title      string
	at         *time.Time // nil: read the time from content
	pastErr    error      // remindTime was given but is in the past
	remindType int
	channels   []string
	ack        *remind.AckPolicy // the app's SMS fallback, for in-app reminders
	members    []member
	uids       []string
	meta       map[string]string
}

// check validates a detail and writes nothing; errors name the request's
// fields (detail.remindTime, detail.members[1].uid). ensureMembers, once
// the service has accepted the whole request, makes the members known.
func (h *Handler) check(t remind.Tenant, in request) (spec, error) {
	d := in.Detail
	if d == nil {
		return spec{}, remind.Invalid("detail", "is required")
	}
	var s spec
	s.content = strings.TrimSpace(d.Content)
	if s.content == "" {
		return s, remind.Invalid("detail.content", "is required")
	}
	if err := remind.CheckText("detail.content", s.content, remind.MaxDesc); err != nil {
		return s, err
	}
	s.title = titleOf(s.content)
	switch {
	case !d.RemindType.Set || d.RemindType.V == RemindInApp:
		s.remindType, s.channels = RemindInApp, []string{remind.ChannelInbox}
		s.ack = service.SMSFallbackAck(in.smsFallback)
	case d.RemindType.V == RemindSMS:
		s.remindType, s.channels = RemindSMS, []string{remind.ChannelSMS}
	default:
		return s, remind.Invalid("detail.remindType", "must be 0 (in-app) or 1 (sms)")
	}
	now := h.svc.Now()
	if d.RemindTime.Set && d.RemindTime.V > 0 {
		if d.RemindTime.V > 253402300799999 {
			return s, remind.Invalid("detail.remindTime", "is out of range (Unix milliseconds)")
		}
		at := time.UnixMilli(d.RemindTime.V)
		if at.Before(now.Add(-2 * time.Second)) {
			s.pastErr = remind.Invalid("detail.remindTime", "%s is in the past", at.In(loc(t)).Format("2006-01-02 15:04:05"))
		} else {
			s.at = &at
		}
	}
	if len(d.Members) == 0 {
		return s, remind.Invalid("detail.members", "at least one member is required")
	}
	if len(d.Members) > remind.MaxRecipients {
		return s, remind.Invalid("detail.members", "at most %d members", remind.MaxRecipients)
	}
	seen := map[string]bool{}
	for i, m := range d.Members {
		uid := string(m.UID)
		if err := remind.CheckUID(fmt.Sprintf("detail.members[%d].uid", i), uid); err != nil {
			return s, err
		}
		if err := remind.CheckText(fmt.Sprintf("detail.members[%d].name", i), m.Name, 100); err != nil {
			return s, err
		}
		if seen[uid] {
			continue
		}
		seen[uid] = true
		s.members = append(s.members, m)
		s.uids = append(s.uids, uid)
	}
	if err := remind.CheckText("requesterName", in.RequesterName, 100); err != nil {
		return s, err
	}
	mj, _ := json.Marshal(s.members)
	createTime := now.UnixMilli()
	if d.CreateTime.Set && d.CreateTime.V > 0 {
		createTime = d.CreateTime.V
	}
	s.meta = map[string]string{
		MetaRemindType: strconv.Itoa(s.remindType), MetaMembers: string(mj), MetaCreateTime: strconv.FormatInt(createTime, 10),
	}
	return s, nil
}

// ensureMembers makes each member the tenant does not know yet a recipient
// with its name, so /v1/recipients knows them and fan-out finds them.
func (h *Handler) ensureMembers(ctx context.Context, t remind.Tenant, s spec) error {
	for _, m := range s.members {
		uid := string(m.UID)
		if _, err := h.svc.GetRecipient(ctx, t, uid); errors.Is(err, remind.ErrNotFound) {
			if _, err := h.svc.PutRecipient(ctx, t, uid, service.RecipientInput{Name: m.Name}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// fieldNames are the request fields that stand for the service's: a
// remindTime is the reminder's time, the content is read for it, the
// members are its recipients and remindType picks its channel.
var fieldNames = map[string]string{
	"time": "detail.remindTime", "defer": "detail.remindTime",
	"title": "detail.content", "desc": "detail.content", "text": "detail.content", "rrule": "detail.content", "start": "detail.content",
	"recipients": "detail.members", "channels": "detail.remindType", "meta": "detail",
}

// inOwnWords returns a service error with its field renamed to the
// request's (see fieldNames).
func inOwnWords(err error) error {
	var de *remind.Error
	if !errors.As(err, &de) {
		return err
	}
	f, ok := fieldNames[de.Field]
	if !ok {
		return err
	}
	c := *de
	c.Field = f
	return &c
}

func loc(t remind.Tenant) *time.Location { return zone.OrUTC(t.TZ) }

// titleOf is the first line of content, cut to the title limit.
func titleOf(content string) string {
	line, _, _ := strings.Cut(content, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > remind.MaxTitle {
		line = string([]rune(line)[:remind.MaxTitle-1]) + "…"
	}
	return line
}

// noTime turns "no time in content" into the remindTime-in-the-past error
// when that is why the content had to be read.
func (s spec) noTime(err error) error {
	if s.pastErr != nil && remind.CodeOf(err) == remind.CodeNoTime {
		return s.pastErr
	}
	return err
}

func (h *Handler) create(ctx context.Context, t remind.Tenant, in request) (any, error) {
	s, err := h.check(t, in)
	if err != nil {
		return nil, err
	}
	s.meta[MetaCreaterID], s.meta[MetaCreaterName] = string(in.RequesterUID), in.RequesterName
	ci := service.CreateInput{Title: s.title, Desc: s.content, Time: s.at, Recipients: s.uids, Channels: s.channels, Ack: s.ack, Source: Source, Meta: s.meta}
	if s.at == nil {
		ci.Title, ci.Text = "", s.content // the parser names it after what is left of the text
	}
	// Validate the whole request before anything is written, so a refused
	// one leaves no member behind.
	if err := h.svc.CheckCreate(t, ci); err != nil {
		return nil, s.noTime(inOwnWords(err))
	}
	if err := h.ensureMembers(ctx, t, s); err != nil {
		return nil, err
	}
	r, _, err := h.svc.CreateReminder(ctx, t, ci)
	if err != nil {
		return nil, s.noTime(inOwnWords(err))
	}
	num, err := h.st.TeamRemindNumber(ctx, t.ID, r.ID)
	if err != nil {
		if _, cerr := h.svc.CancelReminder(ctx, t, r.ID); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return nil, err
	}
	return map[string]any{"teamRemindId": num}, nil
}

// reminder returns the team reminder a request names (by number or by
// 32-hex id); reminders made through other APIs are not found here.
func (h *Handler) reminder(ctx context.Context, t remind.Tenant, in request) (remind.Reminder, error) {
	id := string(in.TeamRemindID)
	if id == "" {
		return remind.Reminder{}, remind.Invalid("teamRemindId", "is required")
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		rid, err := h.st.TeamRemindByNumber(ctx, t.ID, n)
		if err != nil {
			return remind.Reminder{}, err
		}
		id = rid
	}
	r, err := h.svc.GetReminder(ctx, t, id)
	if err != nil {
		return r, err
	}
	if r.Source != Source {
		return r, remind.NotFound("team reminder")
	}
	return r, nil
}

// own returns the named reminder when the requester created it.
func (h *Handler) own(ctx context.Context, t remind.Tenant, in request) (remind.Reminder, error) {
	r, err := h.reminder(ctx, t, in)
	if err != nil {
		return r, err
	}
	if r.Meta[MetaCreaterID] != string(in.RequesterUID) {
		return r, fail(StatusNotCreator, "只有提醒创建者可以操作此提醒 (only the creator may change this reminder)")
	}
	return r, nil
}

func (h *Handler) update(ctx context.Context, t remind.Tenant, in request) (any, error) {
	r, err := h.own(ctx, t, in)
	if err != nil {
		return nil, err
	}
	if r.Status == remind.StatusCancelled {
		return nil, fail(StatusCancelled, "提醒已取消，不能更新 (the reminder is cancelled)")
	}
	s, err := h.check(t, in)
	if err != nil {
		return nil, err
	}
	if in.RequesterName != "" {
		s.meta[MetaCreaterName] = in.RequesterName
	}
	p := service.Patch{Title: &s.title, Desc: &s.content, Recipients: &s.uids, Channels: &s.channels, Ack: s.ack, RemoveAck: s.ack == nil, Meta: s.meta}
	if s.at != nil {
		p.Time = s.at
	} else {
		empty := ""
		p.Title, p.Text = &empty, &s.content
	}
	if err := h.svc.CheckUpdate(ctx, t, r.ID, p); err != nil {
		return nil, s.noTime(inOwnWords(err))
	}
	if err := h.ensureMembers(ctx, t, s); err != nil {
		return nil, err
	}
	if _, err := h.svc.UpdateReminder(ctx, t, r.ID, p); err != nil {
		return nil, s.noTime(inOwnWords(err))
	}
	return nil, nil
}

func (h *Handler) cancel(ctx context.Context, t remind.Tenant, in request) (any, error) {
	r, err := h.own(ctx, t, in)
	if err != nil {
		return nil, err
	}
	if r.Status == remind.StatusCancelled {
		return nil, nil
	}
	_, err = h.svc.CancelReminder(ctx, t, r.ID)
	return nil, err
}

// delete removes the reminder from the requester's workbench. The
// creator's delete removes it for everyone (cancelling what is pending); a
// member's removes it for that member only: they leave its recipients,
// their pending deliveries are cancelled, detail answers 4011 to them and
// shows them to others with isRemind false. Anyone else gets 4010.
func (h *Handler) delete(ctx context.Context, t remind.Tenant, in request) (any, error) {
	r, err := h.reminder(ctx, t, in)
	if err != nil {
		return nil, err
	}
	uid := string(in.RequesterUID)
	if r.Meta[MetaCreaterID] == uid {
		return nil, h.svc.DeleteReminder(ctx, t, r.ID)
	}
	if !isMember(r, uid) {
		return nil, fail(StatusNotCreator, "只有提醒创建者或成员可以删除此提醒 (only the creator or a member may delete this reminder)")
	}
	left := leftOf(r)
	if left[uid] {
		return nil, nil
	}
	uids := []string{uid}
	for u := range left {
		uids = append(uids, u)
	}
	sort.Strings(uids)
	lj, _ := json.Marshal(uids)
	_, err = h.svc.LeaveReminder(ctx, t, r.ID, uid, map[string]string{MetaLeft: string(lj)})
	return nil, err
}

// membersOf returns a team reminder's members as created (or its
// recipients, for one that recorded none).
func membersOf(r remind.Reminder) []member {
	var members []member
	if err := json.Unmarshal([]byte(r.Meta[MetaMembers]), &members); err != nil || len(members) == 0 {
		members = members[:0]
		for _, uid := range r.Recipients {
			members = append(members, member{UID: flexString(uid)})
		}
	}
	return members
}

func isMember(r remind.Reminder, uid string) bool {
	for _, m := range membersOf(r) {
		if string(m.UID) == uid {
			return true
		}
	}
	return false
}

// leftOf returns the members who deleted the reminder from their workbench.
func leftOf(r remind.Reminder) map[string]bool {
	var uids []string
	_ = json.Unmarshal([]byte(r.Meta[MetaLeft]), &uids)
	out := make(map[string]bool, len(uids))
	for _, u := range uids {
		out[u] = true
	}
	return out
}

type memberOut struct {
	UID       string `json:"uid"`
	Name      string `json:"name"`
	MsgStatus int    `json:"msgStatus"`
	IsRemind  bool   `json:"isRemind"`
}

type detailOut struct {
	CreateTime int64       `json:"createTime"`
	Content    string      `json:"content"`
	RemindTime int64       `json:"remindTime"`
	RemindType int         `json:"remindType"`
	Members    []memberOut `json:"members"`
}

type detailAnswer struct {
	TeamRemindID int64     `json:"teamRemindId"`
	CreaterID    string    `json:"createrId"`
	CreaterName  string    `json:"createrName"`
	PushStatus   int       `json:"pushStatus"`
	Detail       detailOut `json:"detail"`
}

// Push statuses.
const (
	PushNotYet    = 0
	PushDone      = 1
	PushCancelled = 2
)

func (h *Handler) detail(ctx context.Context, t remind.Tenant, in request) (any, error) {
	r, err := h.reminder(ctx, t, in)
	if err != nil {
		return nil, err
	}
	left := leftOf(r)
	if left[string(in.RequesterUID)] {
		return nil, remind.NotFound("team reminder") // off this member's workbench
	}
	num, err := h.st.TeamRemindNumber(ctx, t.ID, r.ID)
	if err != nil {
		return nil, err
	}
	push, err := h.pushStatus(ctx, t, r)
	if err != nil {
		return nil, err
	}
	statuses, err := h.st.InboxStatusByReminder(ctx, t.ID, r.ID)
	if err != nil {
		return nil, err
	}
	members := membersOf(r)
	out := detailAnswer{TeamRemindID: num, CreaterID: r.Meta[MetaCreaterID], CreaterName: r.Meta[MetaCreaterName], PushStatus: push}
	out.Detail.Content = r.Desc
	out.Detail.RemindType, _ = strconv.Atoi(r.Meta[MetaRemindType])
	out.Detail.CreateTime, _ = strconv.ParseInt(r.Meta[MetaCreateTime], 10, 64)
	switch {
	case r.Time != nil:
		out.Detail.RemindTime = r.FireAt(*r.Time).UnixMilli()
	case r.NextFireAt != nil:
		out.Detail.RemindTime = r.NextFireAt.UnixMilli()
	default:
		out.Detail.RemindTime = r.Start.UnixMilli()
	}
	out.Detail.Members = make([]memberOut, 0, len(members))
	for _, m := range members {
		uid := string(m.UID)
		mo := memberOut{UID: uid, Name: m.Name, MsgStatus: statuses[uid].MsgStatus(), IsRemind: !left[uid]}
		rc, err := h.svc.GetRecipient(ctx, t, uid)
		switch {
		case err == nil:
			mo.IsRemind = mo.IsRemind && !rc.Muted
			if mo.Name == "" {
				mo.Name = rc.Name
			}
		case !errors.Is(err, remind.ErrNotFound):
			return nil, err
		}
		out.Detail.Members = append(out.Detail.Members, mo)
	}
	return out, nil
}

// pushStatus is 2 for a cancelled reminder, 1 once it has fired and no
// delivery to a member is still pending (each was sent, or given up on
// after its retries), else 0.
func (h *Handler) pushStatus(ctx context.Context, t remind.Tenant, r remind.Reminder) (int, error) {
	if r.Status == remind.StatusCancelled {
		return PushCancelled, nil
	}
	if r.FiredCount == 0 || r.Status == remind.StatusActive && !r.Recurring() {
		return PushNotYet, nil // not fired yet, or moved to a new time by an update
	}
	ds, err := h.svc.Deliveries(ctx, t, r.ID)
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if d.Recipient != "" && d.State == remind.DeliveryPending {
			return PushNotYet, nil
		}
	}
	return PushDone, nil
}
