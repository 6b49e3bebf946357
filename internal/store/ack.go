package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// storedAck is how both drivers keep remind.Reminder.Ack: JSON, durations
// in milliseconds.
type storedAck struct {
	WithinMS     int64    `json:"within_ms"`
	RepeatMS     int64    `json:"repeat_ms,omitempty"`
	MaxRepeats   int      `json:"max_repeats,omitempty"`
	EscalateTo   []string `json:"escalate_to,omitempty"`
	ThenChannels []string `json:"then_channels,omitempty"`
}

// EncodeAck is how both drivers keep remind.Reminder.Ack: JSON text, or
// NULL (nil) when the reminder has none.
func EncodeAck(a *remind.AckPolicy) *string {
	if a == nil {
		return nil
	}
	b, _ := json.Marshal(storedAck{WithinMS: a.Within.Milliseconds(), RepeatMS: a.Repeat.Milliseconds(), MaxRepeats: a.MaxRepeats,
		EscalateTo: a.EscalateTo, ThenChannels: a.ThenChannels}) // plain values: cannot fail
	s := string(b)
	return &s
}

// DecodeAck reads what EncodeAck wrote.
func DecodeAck(s *string) (*remind.AckPolicy, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	var v storedAck
	if err := json.Unmarshal([]byte(*s), &v); err != nil {
		return nil, fmt.Errorf("ack policy: %w", err)
	}
	return &remind.AckPolicy{Within: time.Duration(v.WithinMS) * time.Millisecond, Repeat: time.Duration(v.RepeatMS) * time.Millisecond,
		MaxRepeats: v.MaxRepeats, EscalateTo: v.EscalateTo, ThenChannels: v.ThenChannels}, nil
}
