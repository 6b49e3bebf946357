package teamremind

import (
	"encoding/json"
	"testing"
)

func TestFlexibleValues(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   request
		errSub bool
	}{
		{in: `{"requesterUid":"u1","teamRemindId":111234,"detail":{"remindTime":"1764552600000","remindType":"1","createTime":1764550000000}}`,
			want: request{RequesterUID: "u1", TeamRemindID: "111234", Detail: &detailIn{RemindTime: flexInt{1764552600000, true}, RemindType: flexInt{1, true}, CreateTime: flexInt{1764550000000, true}}}},
		{in: `{"requesterUid":12345,"teamRemindId":"0123456789abcdef0123456789abcdef","detail":{"remindTime":"","remindType":null}}`,
			want: request{RequesterUID: "12345", TeamRemindID: "0123456789abcdef0123456789abcdef", Detail: &detailIn{}}},
		{in: `{"detail":{"remindTime":"tomorrow"}}`, errSub: true},
		{in: `{"detail":{"remindType":1.5}}`, errSub: true},
	} {
		var got request
		err := json.Unmarshal([]byte(tc.in), &got)
		if tc.errSub {
			if err == nil {
				t.Errorf("%s: no error", tc.in)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got.RequesterUID != tc.want.RequesterUID || got.TeamRemindID != tc.want.TeamRemindID ||
			got.Detail.RemindTime != tc.want.Detail.RemindTime || got.Detail.RemindType != tc.want.Detail.RemindType || got.Detail.CreateTime != tc.want.Detail.CreateTime {
			t.Errorf("%s:\n got %+v %+v\nwant %+v %+v", tc.in, got, got.Detail, tc.want, tc.want.Detail)
		}
	}
}

func TestTitleOf(t *testing.T) {
	if got := titleOf("  周会\n第二行"); got != "周会" {
		t.Fatalf("titleOf = %q", got)
	}
}
