package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/httpjson"
	"github.com/raasdev/raas/internal/remind"
)

// The JSON writers and readers live in package httpjson, shared with the
// pages; these names stay so the compatible APIs and the app keep reading
// as before.

// MaxBody is the largest request body accepted (httpjson.MaxBody).
const MaxBody = httpjson.MaxBody

// ErrorRecorder is httpjson.ErrorRecorder.
type ErrorRecorder = httpjson.ErrorRecorder

// WriteError is httpjson.WriteError.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	httpjson.WriteError(w, r, log, err)
}

// WriteJSON is httpjson.WriteJSON.
func WriteJSON(w http.ResponseWriter, code int, v any) { httpjson.WriteJSON(w, code, v) }

// RecordError is httpjson.RecordError.
func RecordError(w http.ResponseWriter, err error) bool { return httpjson.RecordError(w, err) }

// ReadBody is httpjson.ReadBody.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) { return httpjson.ReadBody(w, r) }

// DecodeStrict is httpjson.DecodeStrict.
func DecodeStrict(body []byte, v any) error { return httpjson.DecodeStrict(body, v) }

// MaxBatchBody is the largest batch create body accepted.
const MaxBatchBody = 8 << 20

// readBody reads a request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	return httpjson.ReadBodyLimit(w, r, limit)
}

// Time is a JSON time given as an RFC 3339 string or Unix milliseconds, in
// a field named "time"; StartTime and NowTime are the same in fields named
// "start" and "now", so each error names the field the caller sent.
type Time struct{ time.Time }

// StartTime is Time in a field named "start".
type StartTime struct{ time.Time }

// NowTime is Time in a field named "now".
type NowTime struct{ time.Time }

// UnmarshalJSON accepts "2026-12-01T09:30:00+08:00" or 1764552600000.
func (t *Time) UnmarshalJSON(b []byte) error { return decodeTime("time", b, &t.Time) }

// UnmarshalJSON accepts "2026-12-01T09:30:00+08:00" or 1764552600000.
func (t *StartTime) UnmarshalJSON(b []byte) error { return decodeTime("start", b, &t.Time) }

// UnmarshalJSON accepts "2026-12-01T09:30:00+08:00" or 1764552600000.
func (t *NowTime) UnmarshalJSON(b []byte) error { return decodeTime("now", b, &t.Time) }

// decodeTime reads an RFC 3339 string or Unix milliseconds into dst;
// errors name field.
func decodeTime(field string, b []byte, dst *time.Time) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return remind.Invalid(field, "must be an RFC 3339 string or Unix milliseconds")
		}
		tm, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return remind.Invalid(field, "must be an RFC 3339 time like 2026-12-01T09:30:00+08:00")
		}
		*dst = tm
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return remind.Invalid(field, "must be an RFC 3339 string or whole Unix milliseconds")
		}
		n = int64(f)
	}
	if n < 0 || n > 253402300799999 {
		return remind.Invalid(field, "is out of range")
	}
	*dst = time.UnixMilli(n)
	return nil
}
