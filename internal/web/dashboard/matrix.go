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
// deliveries of that occurrence, follow-ups of an acknowledgement chain
// named by their step, and what the recipient did with that occurrence's
// inbox item (read, confirmed, rejected; unread too when the reminder
// asks for acknowledgement).
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
	Inbox  string      // "read", "confirmed", "rejected", "unread" (ack reminders only); "" unknown
}

type cellState struct {
	Channel, State string
}

// matrix builds the view from a reminder's deliveries (oldest first) and
// the recipients' acknowledgement states (service.AckStates); nil when
// nothing was delivered.
func (d *Dashboard) matrix(rem remind.Reminder, dels []store.DeliveryWithAttempts, acks []remind.AckState) *matrixView {
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
				name := channelName(dl.Channel)
				if dl.Step != remind.StepFiring {
					name += " (" + dl.Step
					if dl.About != "" {
						name += ": " + dl.About + " did not confirm"
					}
					name += ")"
				}
				row.Cells[i].States = append(row.Cells[i].States, cellState{Channel: name, State: string(dl.State)})
			}
		}
		for _, a := range acks {
			i := slices.IndexFunc(occs, a.Occurrence.Equal)
			if a.UID != uid || i < 0 || uid == "" {
				continue
			}
			// The latest item of the occurrence decides (acks come in
			// creation order); one put off and not yet acted on since
			// shows as snoozed.
			switch {
			case a.Status == remind.InboxSnoozed:
				row.Cells[i].Inbox = a.Status.String()
			case row.Cells[i].Inbox == remind.InboxSnoozed.String() && (a.Status == remind.InboxUnread || a.Status == remind.InboxRead):
			case a.Status != remind.InboxUnread || rem.Ack != nil:
				row.Cells[i].Inbox = a.Status.String()
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
