package remind

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// NewID returns a 32-hex-digit id whose first 12 digits are the creation
// time in milliseconds, so ids sort in creation order (cursor pagination
// relies on that) and the remaining 80 bits are random.
func NewID(now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], ms)
	copy(b[:6], t[2:])
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// NewToken returns n random bytes as hex; n=16 gives 128 bits.
func NewToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// IsID reports whether s has the shape of an id: 32 lowercase hex digits.
func IsID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// DeliveryID is the stable id of one delivery: the same reminder, occurrence,
// recipient, channel and target always give the same id.
func DeliveryID(reminderID string, occurrence time.Time, recipient, channel, target string) string {
	h := sha256.New()
	h.Write([]byte(reminderID))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(occurrence.UnixMilli(), 10)))
	h.Write([]byte{0})
	h.Write([]byte(recipient))
	h.Write([]byte{0})
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write([]byte(target))
	return deliveryID(reminderID, h.Sum(nil))
}

// deliveryID makes a delivery id of a hash of its inputs: 32 hex digits,
// the first 12 of them the reminder id's (its creation time, see NewID)
// when it has that shape. A herd's deliveries are written and their
// outcomes recorded in roughly the order their reminders were created, so
// ids that sort the same way keep the stores' id indexes writing near one
// end instead of at random pages: with random ids every row of a firing of
// a million dirtied its own index pages, and writing and checkpointing those
// pages was most of the herd's time on SQLite. The other 80 bits are the
// hash's, so ids of one reminder's deliveries still differ by their inputs.
func deliveryID(reminderID string, sum []byte) string {
	var b [16]byte
	copy(b[:], sum)
	if IsID(reminderID) {
		_, _ = hex.Decode(b[:6], []byte(reminderID[:12]))
	}
	return hex.EncodeToString(b[:])
}
