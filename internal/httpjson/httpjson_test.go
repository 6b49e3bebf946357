package httpjson

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/remind"
)

type errorAnswer struct {
	Error struct{ Code, Message, Field string } `json:"error"`
}

func TestDecodeStrictNamesTheField(t *testing.T) {
	type in struct {
		Title string `json:"title"`
		N     int    `json:"n"`
	}
	for _, tc := range []struct{ body, field string }{
		{``, "body"},
		{`{"title":1}`, "title"},
		{`{"n":"x"}`, "n"},
		{`{"other":1}`, "other"},
		{`{"title":"a"`, "body"},
		{`{"title":"a"} {}`, "body"},
		{`{"title":"a",}`, "body"},
	} {
		err := DecodeStrict([]byte(tc.body), &in{})
		var de *remind.Error
		if !errors.As(err, &de) || de.Code != remind.CodeInvalid || de.Field != tc.field {
			t.Errorf("DecodeStrict(%q) = %v, want an invalid-argument error on %q", tc.body, err, tc.field)
		}
	}
	var v in
	if err := DecodeStrict([]byte(`{"title":"a","n":2}`), &v); err != nil || v.Title != "a" || v.N != 2 {
		t.Errorf("DecodeStrict of a good body = %+v, %v", v, err)
	}
}

func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{remind.Invalid("tz", "unknown"), http.StatusBadRequest, "invalid_argument"},
		{remind.NotFound("reminder"), http.StatusNotFound, "not_found"},
		{&remind.Error{Code: remind.CodeTooLarge, Message: "big"}, http.StatusRequestEntityTooLarge, "too_large"},
		{errors.New("disk on fire"), http.StatusInternalServerError, "internal"},
	} {
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest("GET", "/", nil), slog.New(slog.DiscardHandler), tc.err)
		var a errorAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
			t.Fatalf("%v: answer is not JSON: %q", tc.err, w.Body)
		}
		if w.Code != tc.status || a.Error.Code != tc.code {
			t.Errorf("%v: %d %q, want %d %q", tc.err, w.Code, a.Error.Code, tc.status, tc.code)
		}
		if tc.status == 500 && strings.Contains(w.Body.String(), "fire") {
			t.Errorf("a 500 tells the cause: %s", w.Body)
		}
	}
}

// TestWriteJSONUnencodable: a value that cannot be encoded is answered
// with the JSON 500, never its status and a cut body.
func TestWriteJSONUnencodable(t *testing.T) {
	w := httptest.NewRecorder()
	WriteJSON(w, http.StatusOK, map[string]float64{"x": math.Inf(1)})
	var a errorAnswer
	if w.Code != http.StatusInternalServerError || json.Unmarshal(w.Body.Bytes(), &a) != nil || a.Error.Code != "internal" {
		t.Fatalf("got %d %q, want the JSON 500", w.Code, w.Body)
	}
}

func TestReadBodyTooLarge(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("a", MaxBody+1)))
	_, err := ReadBody(httptest.NewRecorder(), r)
	var de *remind.Error
	if !errors.As(err, &de) || de.Code != remind.CodeTooLarge {
		t.Fatalf("ReadBody of %d bytes = %v, want too large", MaxBody+1, err)
	}
}
