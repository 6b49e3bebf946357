package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// AckJSON is a reminder's acknowledgement policy in the v1 API:
// {"within": "15m", "repeat": "5m", "max_repeats": 2, "escalate_to": ["lead"], "then_channels": ["sms"]}.
type AckJSON struct {
	Within       string   `json:"within"`
	Repeat       string   `json:"repeat,omitempty"`
	MaxRepeats   int      `json:"max_repeats,omitempty"`
	EscalateTo   []string `json:"escalate_to,omitempty"`
	ThenChannels []string `json:"then_channels,omitempty"`
}

// Policy reads a into a policy, naming the field of a bad duration; the
// policy's bounds are checked with the reminder (remind.AckPolicy.Validate).
func (a AckJSON) Policy() (*remind.AckPolicy, error) {
	p := &remind.AckPolicy{MaxRepeats: a.MaxRepeats, EscalateTo: a.EscalateTo, ThenChannels: a.ThenChannels}
	var err error
	if p.Within, err = ParseDuration("ack.within", a.Within); err != nil {
		return nil, err
	}
	if a.Repeat != "" {
		if p.Repeat, err = ParseDuration("ack.repeat", a.Repeat); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ParseDuration reads a duration such as "15m" or "1h30m" given in field.
func ParseDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, remind.Invalid(field, "is required: a duration such as \"15m\" or \"1h30m\"")
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, remind.Invalid(field, "must be a duration such as \"15m\" or \"1h30m\"")
	}
	return d, nil
}

// FormatDuration writes d as ParseDuration reads it, without zero units:
// "15m", "1h30m", "2h".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ackOut renders a policy; nil for none.
func ackOut(p *remind.AckPolicy) *AckJSON {
	if p == nil {
		return nil
	}
	out := &AckJSON{Within: FormatDuration(p.Within), MaxRepeats: p.MaxRepeats, EscalateTo: p.EscalateTo, ThenChannels: p.ThenChannels}
	if p.Repeat > 0 {
		out.Repeat = FormatDuration(p.Repeat)
	}
	return out
}

// ackIn reads the create field "ack"; nil when absent or null.
func ackIn(a *AckJSON) (*remind.AckPolicy, error) {
	if a == nil {
		return nil, nil
	}
	return a.Policy()
}

// ackPatch reads the PATCH field "ack": absent changes nothing, null
// removes the policy, an object replaces it.
func ackPatch(raw json.RawMessage) (p *remind.AckPolicy, remove bool, err error) {
	if len(raw) == 0 {
		return nil, false, nil
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, true, nil
	}
	var a AckJSON
	if err := DecodeStrict(raw, &a); err != nil {
		return nil, false, remind.Invalid("ack", "must be an object with within, repeat, max_repeats, escalate_to and then_channels")
	}
	p, err = a.Policy()
	return p, false, err
}

// AckOut is the recipients' acknowledgement of one occurrence: each
// recipient's inbox item status (unread, read, confirmed, rejected) by uid.
type AckOut struct {
	Occurrence time.Time         `json:"occurrence"`
	States     map[string]string `json:"states"`
}

// AcksByOccurrence groups acknowledgement states (ordered by occurrence)
// by occurrence.
func AcksByOccurrence(states []remind.AckState) []AckOut {
	out := []AckOut{}
	for _, a := range states {
		if n := len(out); n == 0 || !out[n-1].Occurrence.Equal(a.Occurrence) {
			out = append(out, AckOut{Occurrence: a.Occurrence, States: map[string]string{}})
		}
		out[len(out)-1].States[a.UID] = a.Status.String()
	}
	return out
}
