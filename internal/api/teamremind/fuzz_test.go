package teamremind

import (
	"encoding/json"
	"errors"
	"regexp"
	"testing"

	"github.com/raasdev/raas/internal/remind"
)

// fieldOf returns the field a domain error names ("" for none).
func fieldOf(err error) string {
	var de *remind.Error
	if errors.As(err, &de) {
		return de.Field
	}
	return ""
}

// requestField matches every field a request has, as the request spells it.
var requestField = regexp.MustCompile(`^(body|requesterUid|requesterName|teamRemindId|detail|detail\.(createTime|content|remindTime|remindType|members)|detail\.members\[\d+\](\.(uid|name))?)$`)

// FuzzDecodeRequest feeds the team-remind request decoder arbitrary bodies
// (seeds in testdata/fuzz/FuzzDecodeRequest, run by every go test): it never panics; a refusal is
// an invalid-argument error naming one of the request's own fields; an
// accepted body holds valid JSON values where it had them, and decoding it
// again gives the same request.
func FuzzDecodeRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeRequest(body)
		if err != nil {
			if remind.CodeOf(err) != remind.CodeInvalid || !requestField.MatchString(fieldOf(err)) {
				t.Fatalf("%q: refusal %v names %q, not a request field", body, err, fieldOf(err))
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("%q: invalid JSON accepted", body)
		}
		// Every member given is kept, in order.
		var top map[string]json.RawMessage
		_ = json.Unmarshal(body, &top)
		var d map[string]json.RawMessage
		_ = json.Unmarshal(top["detail"], &d)
		var ms []json.RawMessage
		_ = json.Unmarshal(d["members"], &ms)
		if in.Detail != nil && len(in.Detail.Members) != len(ms) {
			t.Fatalf("%q: %d members decoded of %d", body, len(in.Detail.Members), len(ms))
		}
		again, err := decodeRequest(body)
		if err != nil || again.RequesterUID != in.RequesterUID || again.TeamRemindID != in.TeamRemindID || (again.Detail == nil) != (in.Detail == nil) {
			t.Fatalf("%q: decoding twice differs: %+v, %+v, %v", body, in, again, err)
		}
	})
}
