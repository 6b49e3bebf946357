//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import (
	"errors"
	"fmt"
)

// LockServe is not available on this platform: it returns an error
// wrapping errors.ErrUnsupported, and the caller runs without the
// single-user shortcuts that depend on it.
func (s *Store) LockServe() (release func() error, err error) {
	return nil, fmt.Errorf("sqlite: serve lock: %w", errors.ErrUnsupported)
}
