package deliver

import (
	"errors"
	"time"
)

// RetryAfterOf returns the delay err asks for through RetryAfter, and
// whether it asks for one (for channels' tests and reports).
func RetryAfterOf(err error) (time.Duration, bool) {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return ra.after, true
	}
	return 0, false
}
