package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// EncodeClaimed is how both drivers keep remind.Reminder.Claimed: a JSON
// array of Unix milliseconds, or NULL (nil) when there is none.
func EncodeClaimed(ts []time.Time) *string {
	if len(ts) == 0 {
		return nil
	}
	ms := make([]int64, len(ts))
	for i, t := range ts {
		ms[i] = t.UnixMilli()
	}
	b, _ := json.Marshal(ms) // a slice of integers always marshals
	s := string(b)
	return &s
}

// DecodeClaimed reads what EncodeClaimed wrote.
func DecodeClaimed(s *string) ([]time.Time, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	var ms []int64
	if err := json.Unmarshal([]byte(*s), &ms); err != nil {
		return nil, fmt.Errorf("claimed firings: %w", err)
	}
	out := make([]time.Time, len(ms))
	for i, v := range ms {
		out[i] = time.UnixMilli(v).UTC()
	}
	return out, nil
}
