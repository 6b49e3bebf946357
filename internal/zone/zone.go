// Package zone loads IANA time zones once per process. time.LoadLocation
// reads and parses a zone file on every call, which showed in the create
// path's profile, and reminders are rendered and fired in their own zone
// all the time. Zone data does not change while the process runs, so the
// cache is never invalidated; it holds only names that loaded, so its
// size is bounded by the zone database.
package zone

import (
	"fmt"
	"sync"
	"time"
)

// maxName bounds the names tried: the longest IANA name is 32 bytes.
const maxName = 64

// cache is the one piece of process-wide state here, by design: immutable
// zone data, shared by every caller (as the time package shares its own).
var cache sync.Map // name → *time.Location

// Load returns the zone named name, as time.LoadLocation does ("" and "UTC"
// are UTC, "Local" is the machine's zone), after the first time from
// memory. It fails for a name that is not a zone, and for one longer than
// 64 bytes without a look at the disk.
func Load(name string) (*time.Location, error) {
	if loc, ok := cache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if len(name) > maxName {
		return nil, fmt.Errorf("zone: unknown time zone %.64q…", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("zone: %w", err)
	}
	cache.Store(name, loc)
	return loc, nil
}

// OrUTC returns the zone named name, or UTC when there is no such zone: for
// rendering a time that was validated when it was stored.
func OrUTC(name string) *time.Location {
	loc, err := Load(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
