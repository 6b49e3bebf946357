package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// errorBody is the one JSON shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// status maps domain error codes to HTTP statuses, in one place.
var status = map[remind.Code]int{
	remind.CodeInvalid:      http.StatusBadRequest,
	remind.CodeNoTime:       http.StatusBadRequest,
	remind.CodeNotFound:     http.StatusNotFound,
	remind.CodeConflict:     http.StatusConflict,
	remind.CodeUnauthorized: http.StatusUnauthorized,
	remind.CodeForbidden:    http.StatusForbidden,
	remind.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	remind.CodeRateLimited:  http.StatusTooManyRequests,
	remind.CodePrecondition: http.StatusPreconditionFailed,
}

// WriteError answers with err as JSON: domain errors with their status,
// anything else as a 500 that says nothing of the cause (logged instead).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var de *remind.Error
	if errors.As(err, &de) {
		code, ok := status[de.Code]
		if !ok {
			code = http.StatusBadRequest
		}
		WriteJSON(w, code, errorBody{errorDetail{Code: string(de.Code), Message: de.Message, Field: de.Field}})
		return
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	log.ErrorContext(r.Context(), "internal error", "err", err, "path", r.URL.Path)
	WriteJSON(w, http.StatusInternalServerError, errorBody{errorDetail{Code: "internal", Message: "internal error"}})
}

// WriteJSON answers with v as JSON. v is encoded before anything is sent,
// so a value that cannot be encoded (a time past year 9999, say) is never
// answered with code and a cut body: the answer is the JSON 500 instead, and
// the encoding error goes to the request log (see RecordError).
func WriteJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		RecordError(w, fmt.Errorf("api: encode %T answer: %w", v, err))
		code = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// ErrorRecorder is implemented by a ResponseWriter that logs what went
// wrong while answering (the app's request log does, with the request id).
type ErrorRecorder interface {
	RecordError(err error)
}

// RecordError hands err to the first ErrorRecorder among w and the writers
// it wraps (through Unwrap), and reports whether one took it.
func RecordError(w http.ResponseWriter, err error) bool {
	for w != nil {
		if rec, ok := w.(ErrorRecorder); ok {
			rec.RecordError(err)
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

// MaxBatchBody is the largest batch create body accepted.
const MaxBatchBody = 8 << 20

// ReadBody reads a request body of at most MaxBody bytes.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readBody(w, r, MaxBody)
}

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &remind.Error{Code: remind.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
	}
	if err != nil {
		return nil, remind.Invalid("body", "could not be read")
	}
	return body, nil
}

// DecodeStrict decodes JSON into v, refusing unknown fields and trailing data,
// and turns decoder errors into invalid-argument errors naming the field.
func DecodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return remind.Invalid("body", "a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return remind.Invalid("body", "holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var de *remind.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return remind.Invalid(field, "must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return remind.Invalid("body", "is not valid JSON (at byte %d)", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return remind.Invalid(f, "is not a known field")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return remind.Invalid("body", "is not complete JSON")
	}
	return remind.Invalid("body", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "int32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return k
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
