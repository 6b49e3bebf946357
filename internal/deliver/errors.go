package deliver

import (
	"errors"
	"time"
)

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying (a 4xx answer, no address).
func Permanent(err error) error { return &permanentError{err} }

// IsPermanent reports whether err was marked Permanent or Gone.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || IsGone(err)
}

type goneError struct{ err error }

func (e *goneError) Error() string { return e.err.Error() }
func (e *goneError) Unwrap() error { return e.err }

// Gone marks err as "the endpoint is gone for good" (HTTP 410): the
// delivery fails and the endpoint should be disabled.
func Gone(err error) error { return &goneError{err} }

// IsGone reports whether err was marked Gone.
func IsGone(err error) bool {
	var g *goneError
	return errors.As(err, &g)
}

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as transient with the receiver's requested delay.
func RetryAfter(err error, after time.Duration) error { return &retryAfterError{err, after} }
