package dashboard

import (
	"slices"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// matrixOccurrences is how many of the latest occurrences the matrix shows.
const matrixOccurrences = 4

// matrixView is who got what: one row per recipient, one column per
// occurrence (the latest first), each cell the states of that recipient's
// deliveries of that occurrence; the latest occurrence's column also says
// what the recipient did in the inbox (read, confirmed, rejected).
type matrixView struct {
	Occurrences []string
	Rows        []matrixRow
}

type matrixRow struct {
	Recipient string
	Cells     []matrixCell
}

type matrixCell struct {
	States []cellState // one per channel
	Inbox  string      // "read", "confirmed", "rejected"; "" unknown or unread
}

type cellState struct {
	Channel, State string
}

// matrix builds the view from a reminder's deliveries (oldest first) and
// the recipients' latest inbox statuses; nil when nothing was delivered.
func (d *Dashboard) matrix(rem remind.Reminder, dels []store.DeliveryWithAttempts, inbox map[string]remind.InboxStatus) *matrixView {
	var occs []time.Time
	var recips []string
	for _, dl := range dels {
		if !slices.ContainsFunc(occs, dl.Occurrence.Equal) {
			occs = append(occs, dl.Occurrence)
		}
		if !slices.Contains(recips, dl.Recipient) {
			recips = append(recips, dl.Recipient)
		}
	}
	if len(occs) == 0 {
		return nil
	}
	slices.SortFunc(occs, func(a, b time.Time) int { return b.Compare(a) })
	occs = occs[:min(len(occs), matrixOccurrences)]
	v := &matrixView{}
	for _, o := range occs {
		v.Occurrences = append(v.Occurrences, d.in(&o, rem.TZ))
	}
	for _, uid := range recips {
		row := matrixRow{Recipient: uid, Cells: make([]matrixCell, len(occs))}
		if uid == "" {
			row.Recipient = "(tenant webhooks)"
		}
		for _, dl := range dels {
			if dl.Recipient != uid {
				continue
			}
			if i := slices.IndexFunc(occs, dl.Occurrence.Equal); i >= 0 {
				row.Cells[i].States = append(row.Cells[i].States, cellState{Channel: channelName(dl.Channel), State: string(dl.State)})
			}
		}
		switch inbox[uid] {
		case remind.InboxRead:
			row.Cells[0].Inbox = "read"
		case remind.InboxConfirmed:
			row.Cells[0].Inbox = "confirmed"
		case remind.InboxRejected:
			row.Cells[0].Inbox = "rejected"
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
