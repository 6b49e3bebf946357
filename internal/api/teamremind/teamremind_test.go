package teamremind

import (
	"testing"
)

func TestFlexibleValues(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  request
		field string // the field a refusal names; "" when accepted
	}{
		{in: `{"requesterUid":"u1","teamRemindId":111234,"detail":{"remindTime":"1764552600000","remindType":"1","createTime":1764550000000}}`,
			want: request{RequesterUID: "u1", TeamRemindID: "111234", Detail: &detailIn{RemindTime: flexInt{1764552600000, true}, RemindType: flexInt{1, true}, CreateTime: flexInt{1764550000000, true}}}},
		{in: `{"requesterUid":12345,"teamRemindId":"0123456789abcdef0123456789abcdef","detail":{"remindTime":"","remindType":null}}`,
			want: request{RequesterUID: "12345", TeamRemindID: "0123456789abcdef0123456789abcdef", Detail: &detailIn{}}},
		{in: `{"requesterUid":"u","unknown":{"deep":[1]},"detail":{"remindTime":2e3,"members":null}}`,
			want: request{RequesterUID: "u", Detail: &detailIn{RemindTime: flexInt{2000, true}}}},
		{in: `{"detail":{"remindTime":"tomorrow"}}`, field: "detail.remindTime"},
		{in: `{"detail":{"remindType":1.5}}`, field: "detail.remindType"},
		{in: `{"detail":{"createTime":[]}}`, field: "detail.createTime"},
		{in: `{"detail":{"content":{}}}`, field: "detail.content"},
		{in: `{"detail":{"members":[{"uid":"a"},{"uid":{}}]}}`, field: "detail.members[1].uid"},
		{in: `{"detail":{"members":[{"uid":"a","name":false}]}}`, field: "detail.members[0].name"},
		{in: `{"detail":{"members":[null]}}`, field: "detail.members[0]"},
		{in: `{"detail":{"members":"a"}}`, field: "detail.members"},
		{in: `{"detail":7}`, field: "detail"},
		{in: `{"requesterUid":true}`, field: "requesterUid"},
		{in: `{"requesterName":1}`, field: "requesterName"},
		{in: `{"teamRemindId":{}}`, field: "teamRemindId"},
		{in: `"x"`, field: "body"},
		{in: `{`, field: "body"},
	} {
		got, err := decodeRequest([]byte(tc.in))
		if tc.field != "" {
			if f := fieldOf(err); f != tc.field {
				t.Errorf("%s: error %v names %q, want %q", tc.in, err, f, tc.field)
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
