package store

import (
	"encoding/json"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
)

// profileJSON is how both drivers keep a recipient's profile: one JSON
// column, read and written whole with the recipient.
type profileJSON struct {
	TZ                string   `json:"tz,omitempty"`
	Lang              string   `json:"lang,omitempty"`
	PreferredChannels []string `json:"preferred_channels,omitempty"`
	QuietHours        string   `json:"quiet_hours,omitempty"`
	Agenda            bool     `json:"agenda,omitempty"`
	Digest            bool     `json:"digest,omitempty"`
}

// EncodeProfile returns the column value of p: "" for the zero profile.
func EncodeProfile(p remind.Profile) string {
	j := profileJSON{TZ: p.TZ, Lang: p.Lang, PreferredChannels: p.PreferredChannels, QuietHours: p.QuietHours, Agenda: p.AgendaOptIn, Digest: p.DigestOptIn}
	if j.TZ == "" && j.Lang == "" && len(j.PreferredChannels) == 0 && j.QuietHours == "" && !j.Agenda && !j.Digest {
		return ""
	}
	b, _ := json.Marshal(j) // plain values: cannot fail
	return string(b)
}

// DecodeProfile reads what EncodeProfile wrote.
func DecodeProfile(s string) (remind.Profile, error) {
	if s == "" {
		return remind.Profile{}, nil
	}
	var j profileJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return remind.Profile{}, fmt.Errorf("store: recipient profile: %w", err)
	}
	return remind.Profile{TZ: j.TZ, Lang: j.Lang, PreferredChannels: j.PreferredChannels, QuietHours: j.QuietHours, AgendaOptIn: j.Agenda, DigestOptIn: j.Digest}, nil
}
