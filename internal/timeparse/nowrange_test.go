package timeparse

import (
	"errors"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/recur"
)

// TestNowRange reads recurring and one-off phrases from the first and last
// accepted moments and from just outside them: inside, a phrase either
// parses or has no time, never a rule the recurrence code refuses;
// outside, Parse says ErrNowRange.
func TestNowRange(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	phrases := []string{"每天早上8点", "每周一上午9点", "每月最后一天", "每年春节", "每年除夕", "每年清明", "工作日9点", "明年今天", "后年三月", "every monday at 9am", "tomorrow 3pm", "每隔3年的1月1日"}
	for _, tc := range []struct {
		now     time.Time
		inRange bool
	}{
		{time.Date(1970, 1, 1, 0, 0, 0, 0, sh), true},
		{time.Date(2899, 12, 31, 23, 59, 59, 0, sh), true},
		{time.Date(1969, 12, 31, 23, 59, 59, 0, sh), false},
		{time.Date(2900, 1, 1, 0, 0, 0, 0, sh), false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, sh), false},
		{time.Date(1, 1, 1, 0, 0, 0, 0, sh), false},
	} {
		for _, p := range phrases {
			_, err := Parse(p, DefaultOptions(tc.now))
			switch {
			case !tc.inRange && !errors.Is(err, ErrNowRange):
				t.Errorf("%s at %s: %v, want ErrNowRange", p, tc.now, err)
			case tc.inRange && err != nil && !errors.Is(err, ErrNoTime):
				t.Errorf("%s at %s: %v", p, tc.now, err)
			case tc.inRange && errors.Is(err, recur.ErrInvalid):
				t.Errorf("%s at %s: the rule is refused: %v", p, tc.now, err)
			}
		}
	}
}
