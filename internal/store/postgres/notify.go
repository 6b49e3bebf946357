package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// MaxBroadcast is the largest payload Broadcast sends; PostgreSQL refuses
// NOTIFY payloads of 8000 bytes or more. A payload that is not UTF-8 text is
// sent base64-encoded and may then be at most 5,998 bytes.
const MaxBroadcast = 7000

// channelName maps a topic to a NOTIFY channel: an identifier of at most 63
// bytes, namespaced so RaaS shares a database with other listeners safely.
func channelName(topic string) string {
	if name := "raas." + topic; len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(topic))
	return "raas.#" + hex.EncodeToString(sum[:16])
}

// NOTIFY payloads are text in the server's encoding without NUL bytes; a
// one-byte prefix says whether the rest is the payload itself or base64.
func encodePayload(p []byte) (string, error) {
	var s string
	if utf8.Valid(p) && !containsNUL(p) {
		s = "t" + string(p)
	} else {
		s = "b" + base64.StdEncoding.EncodeToString(p)
	}
	if len(p) > MaxBroadcast || len(s) >= 8000 {
		return "", fmt.Errorf("payload of %d bytes is too large to broadcast", len(p))
	}
	return s, nil
}

func decodePayload(s string) ([]byte, bool) {
	switch {
	case len(s) > 0 && s[0] == 't':
		return []byte(s[1:]), true
	case len(s) > 0 && s[0] == 'b':
		b, err := base64.StdEncoding.DecodeString(s[1:])
		return b, err == nil
	}
	return nil, false
}

func containsNUL(p []byte) bool {
	for _, c := range p {
		if c == 0 {
			return true
		}
	}
	return false
}

// Broadcast sends payload to every subscriber of topic on any Store sharing
// the database, this one included, through pg_notify. Delivery is at most
// once: a subscriber whose listening connection is down at the time misses
// the message. It fails when the payload is too large (see MaxBroadcast) or
// the database cannot be reached.
func (s *Store) Broadcast(ctx context.Context, topic string, payload []byte) error {
	p, err := encodePayload(payload)
	if err != nil {
		return fmt.Errorf("postgres: broadcast %q: %w", topic, err)
	}
	if _, err := s.exec(ctx, `SELECT pg_notify($1, $2)`, channelName(topic), p); err != nil {
		return fmt.Errorf("postgres: broadcast %q: %w", topic, err)
	}
	return nil
}

// Subscribe calls fn with the payload of every message broadcast on topic
// until ctx is done or the Store is closed. It returns once the subscription
// listens, so a message broadcast after it returns reaches fn; while the
// database cannot be reached it keeps trying, and it fails (subscribing
// nothing) only when ctx is done or the Store closed first. fn
// runs on a goroutine of the subscription's own, one message at a time, in
// order. All subscriptions of a Store share one dedicated connection, which
// is re-established (with backoff) when it drops; messages sent while it is
// down are lost.
func (s *Store) Subscribe(ctx context.Context, topic string, fn func(payload []byte)) error {
	if err := s.lis.subscribe(ctx, channelName(topic), fn); err != nil {
		return fmt.Errorf("postgres: subscribe %q: %w", topic, err)
	}
	return nil
}

// listener owns the LISTEN connection. Subscribers change the wanted set of
// channels and bump gen; the listener goroutine brings the connection in
// line with it and publishes the gen it reached (and the error, if any).
type listener struct {
	cfg *pgx.ConnConfig

	mu         sync.Mutex
	subs       map[string]map[*subscription]struct{} // by channel
	gen        uint64                                // bumped on every subscribe and unsubscribe
	applied    uint64                                // the gen the connection has caught up with
	appliedErr error                                 // why it failed to, if it did
	appliedCh  chan struct{}                         // closed (and replaced) when applied moves
	cancelWait context.CancelFunc                    // interrupts the wait for notifications
	poke       chan struct{}                         // wakes the listener from a backoff
	stop       context.CancelFunc                    // nil until the goroutine runs
	done       chan struct{}                         // closed when the goroutine has ended
	closed     bool
}

func newListener(cfg *pgx.ConnConfig) *listener {
	return &listener{cfg: cfg, subs: map[string]map[*subscription]struct{}{}, appliedCh: make(chan struct{}), poke: make(chan struct{}, 1), done: make(chan struct{})}
}

func (l *listener) subscribe(ctx context.Context, channel string, fn func([]byte)) error {
	sub := &subscription{fn: fn, signal: make(chan struct{}, 1)}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return errClosed
	}
	if l.subs[channel] == nil {
		l.subs[channel] = map[*subscription]struct{}{}
	}
	l.subs[channel][sub] = struct{}{}
	l.gen++
	my := l.gen
	if l.stop == nil {
		runCtx, stop := context.WithCancel(context.Background())
		l.stop = stop
		go l.run(runCtx)
	}
	l.pokeLocked()
	l.mu.Unlock()

	if err := l.waitApplied(ctx, my); err != nil {
		l.unsubscribe(channel, sub)
		return err
	}
	go func() {
		sub.run(ctx, l.done)
		l.unsubscribe(channel, sub)
	}()
	return nil
}

func (l *listener) unsubscribe(channel string, sub *subscription) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.subs[channel], sub)
	if len(l.subs[channel]) == 0 {
		delete(l.subs, channel)
	}
	l.gen++
	l.pokeLocked()
}

func (l *listener) pokeLocked() {
	if l.cancelWait != nil {
		l.cancelWait()
	}
	select {
	case l.poke <- struct{}{}:
	default:
	}
}

func (l *listener) waitApplied(ctx context.Context, gen uint64) error {
	for {
		l.mu.Lock()
		if l.applied >= gen && (l.appliedErr == nil || errors.Is(l.appliedErr, errClosed)) {
			err := l.appliedErr
			l.mu.Unlock()
			return err
		}
		ch := l.appliedCh
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (l *listener) publish(gen uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.applied = max(l.applied, gen)
	l.appliedErr = err
	close(l.appliedCh)
	l.appliedCh = make(chan struct{})
}

// run keeps the LISTEN connection in line with the wanted channels and hands
// notifications to the subscriptions, until ctx is done.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	var conn *pgx.Conn
	closeConn := func(c *pgx.Conn) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = c.Close(ctx)
	}
	defer func() {
		if conn != nil {
			closeConn(conn)
		}
	}()
	listening := map[string]bool{}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		l.mu.Lock()
		gen := l.gen
		want := make(map[string]bool, len(l.subs))
		for ch := range l.subs {
			want[ch] = true
		}
		l.mu.Unlock()

		err := func() error {
			if conn == nil {
				c, err := pgx.ConnectConfig(ctx, l.cfg)
				if err != nil {
					return err
				}
				conn, listening = c, map[string]bool{}
			}
			for ch := range want {
				if !listening[ch] {
					if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
						return err
					}
					listening[ch] = true
				}
			}
			for ch := range listening {
				if !want[ch] {
					if _, err := conn.Exec(ctx, "UNLISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
						return err
					}
					delete(listening, ch)
				}
			}
			return nil
		}()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if conn != nil {
				closeConn(conn) // start over: reconnect and LISTEN afresh
				conn = nil
			}
			l.publish(gen, err)
			select {
			case <-time.After(backoff):
			case <-l.poke:
			case <-ctx.Done():
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		l.publish(gen, nil)

		waitCtx, cancel := context.WithCancel(ctx)
		l.mu.Lock()
		changed := l.gen != gen
		l.cancelWait = cancel
		l.mu.Unlock()
		var n *pgconnNotification
		if !changed {
			n, err = waitForNotification(waitCtx, conn)
		}
		l.mu.Lock()
		l.cancelWait = nil
		l.mu.Unlock()
		cancel()
		switch {
		case changed:
		case err == nil:
			l.dispatch(n.Channel, n.Payload)
		case ctx.Err() != nil:
		case waitCtx.Err() != nil && !conn.IsClosed():
			// poked: a subscription changed
		default:
			closeConn(conn) // dropped: reconnect on the next turn
			conn = nil
		}
	}
	l.publish(^uint64(0), errClosed)
}

type pgconnNotification struct{ Channel, Payload string }

func waitForNotification(ctx context.Context, conn *pgx.Conn) (*pgconnNotification, error) {
	n, err := conn.WaitForNotification(ctx)
	if err != nil {
		return nil, err
	}
	return &pgconnNotification{Channel: n.Channel, Payload: n.Payload}, nil
}

func (l *listener) dispatch(channel, payload string) {
	p, ok := decodePayload(payload)
	if !ok {
		return // not ours
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for sub := range l.subs[channel] {
		sub.push(p)
	}
}

// close stops the listener goroutine and ends every subscription.
func (l *listener) close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	stop := l.stop
	l.mu.Unlock()
	if stop == nil {
		close(l.done)
		return
	}
	stop()
	<-l.done
}

// subscription queues messages for one subscriber, so a slow fn delays only
// its own messages and never the listener.
type subscription struct {
	fn     func([]byte)
	mu     sync.Mutex
	queue  [][]byte
	signal chan struct{}
}

func (s *subscription) push(p []byte) {
	s.mu.Lock()
	s.queue = append(s.queue, p)
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

func (s *subscription) run(ctx context.Context, closed <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-closed:
			return
		case <-s.signal:
		}
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, p := range q {
			if ctx.Err() != nil {
				return
			}
			s.fn(p)
		}
	}
}
