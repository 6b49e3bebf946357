//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// LockServe takes an exclusive advisory lock (flock) on PATH.serve.lock,
// held until release is called or the process dies. Only one process may
// schedule and deliver from a SQLite database: `raas serve` takes the lock
// before it starts, and a second one on the same file fails here instead
// of sharing work the SQLite driver does not coordinate. Admin commands
// (token, app) do not take it and may run beside the server.
func (s *Store) LockServe() (release func() error, err error) {
	if s.path == "" || s.path == ":memory:" {
		return func() error { return nil }, nil
	}
	name := s.path + ".serve.lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlite: %s is in use by another raas serve (lock %s); use PostgreSQL to run several instances: %w", s.path, name, ErrLocked)
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", name, err)
	}
	return f.Close, nil // closing the file releases the lock
}
