package remind

import (
	"errors"
	"fmt"
)

// Code classifies a domain error; the API maps each code to one HTTP answer.
type Code string

// Error codes.
const (
	CodeInvalid      Code = "invalid_argument"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeTooLarge     Code = "too_large"
	CodeRateLimited  Code = "rate_limited"
	CodeNoTime       Code = "no_time_found"
	CodePrecondition Code = "precondition_failed"
	// CodeUnprocessable: the input is well-formed but says nothing the
	// request can act on (a snooze text naming no future time).
	CodeUnprocessable Code = "unprocessable"
)

// Error is a domain error with a code, a message for people and, where one
// input field is at fault, that field's name.
type Error struct {
	Code    Code
	Message string
	Field   string
	Err     error // optional cause
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches errors of the same code, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; they match any *Error with the same code.
var (
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrConflict = &Error{Code: CodeConflict}
	ErrInvalid  = &Error{Code: CodeInvalid}
	// ErrPrecondition: the caller's If-Match names a version that is no
	// longer current.
	ErrPrecondition = &Error{Code: CodePrecondition}
)

// Invalid returns a CodeInvalid error about field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a CodeNotFound error for a kind of thing.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

// CodeOf returns the code of err's *Error, or "" when it has none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
