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

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// ReadBody reads a request body of at most MaxBody bytes.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &remind.Error{Code: remind.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", MaxBody)}
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

// Time is a JSON time given as an RFC 3339 string or Unix milliseconds.
type Time struct{ time.Time }

// UnmarshalJSON accepts "2026-12-01T09:30:00+08:00" or 1764552600000.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return remind.Invalid("time", "must be an RFC 3339 string or Unix milliseconds")
		}
		tm, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return remind.Invalid("time", "must be an RFC 3339 time like 2026-12-01T09:30:00+08:00")
		}
		t.Time = tm
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return remind.Invalid("time", "must be an RFC 3339 string or whole Unix milliseconds")
		}
		n = int64(f)
	}
	if n < 0 || n > 253402300799999 {
		return remind.Invalid("time", "is out of range")
	}
	t.Time = time.UnixMilli(n)
	return nil
}
