// Package httpjson is the JSON side of every HTTP package: the one error
// shape {"error":{"code","message","field"}}, the one table from domain
// error codes to HTTP statuses, answers encoded before anything is sent,
// bounded request bodies and strict decoding whose errors name the field
// the caller sent. The v1 API, the compatible APIs and the pages share it,
// so none of them imports another for it.
package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/raasdev/raas/internal/remind"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// errorBody is the one JSON shape of every error answer.
type errorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is what an error answer says: its code, a message for people
// and the field at fault.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// status maps domain error codes to HTTP statuses, in one place.
var status = map[remind.Code]int{
	remind.CodeInvalid:       http.StatusBadRequest,
	remind.CodeNoTime:        http.StatusBadRequest,
	remind.CodeNotFound:      http.StatusNotFound,
	remind.CodeConflict:      http.StatusConflict,
	remind.CodeUnauthorized:  http.StatusUnauthorized,
	remind.CodeForbidden:     http.StatusForbidden,
	remind.CodeTooLarge:      http.StatusRequestEntityTooLarge,
	remind.CodeRateLimited:   http.StatusTooManyRequests,
	remind.CodePrecondition:  http.StatusPreconditionFailed,
	remind.CodeUnprocessable: http.StatusUnprocessableEntity,
}

// Detail returns err's answer as WriteError gives it: a domain error's
// status and detail, anything else a 500 that says nothing of the cause.
func Detail(err error) (int, ErrorDetail) {
	var de *remind.Error
	if errors.As(err, &de) {
		code, ok := status[de.Code]
		if !ok {
			code = http.StatusBadRequest
		}
		return code, ErrorDetail{Code: string(de.Code), Message: de.Message, Field: de.Field}
	}
	return http.StatusInternalServerError, ErrorDetail{Code: "internal", Message: "internal error"}
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
		WriteJSON(w, code, errorBody{ErrorDetail{Code: string(de.Code), Message: de.Message, Field: de.Field}})
		return
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	log.ErrorContext(r.Context(), "internal error", "err", err, "path", r.URL.Path)
	WriteJSON(w, http.StatusInternalServerError, errorBody{ErrorDetail{Code: "internal", Message: "internal error"}})
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
		RecordError(w, fmt.Errorf("httpjson: encode %T answer: %w", v, err))
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

// ReadBody reads a request body of at most MaxBody bytes.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return ReadBodyLimit(w, r, MaxBody)
}

// ReadBodyLimit reads a request body of at most limit bytes.
func ReadBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
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
