package remind

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// ETag returns a strong entity tag of the reminder as callers see it:
// any change to a field they can read gives another tag. A write made with
// If-Match compares it with the tag of the stored reminder inside the
// write's own transaction, so a reminder changed in between is refused
// rather than overwritten (ErrPrecondition).
func (r Reminder) ETag() string {
	h := sha256.New()
	ms := func(t *time.Time) int64 {
		if t == nil {
			return -1
		}
		return t.UnixMilli()
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%d\x00%d\x00%s\x00%q\x00%q\x00%s\x00%d\x00%d\x00%d\x00%s\x00",
		r.ID, r.TenantID, r.Title, r.Desc, ms(r.Time), r.RRule, r.TZ, r.Start.UnixMilli(), r.DeferMin, r.ExternalURL,
		r.Recipients, r.Channels, r.Status, ms(r.NextFireAt), r.FiredCount, r.UpdatedAt.UnixMilli(), r.Source)
	keys := make([]string, 0, len(r.Meta))
	for k := range r.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%q=%q\x00", k, r.Meta[k])
	}
	if a := r.Ack; a != nil { // only then: the tags of reminders without one stay as they were
		fmt.Fprintf(h, "ack\x00%d\x00%d\x00%d\x00%q\x00%q\x00", a.Within, a.Repeat, a.MaxRepeats, a.EscalateTo, a.ThenChannels)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}
