package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// pool is a small connection pool over pgx.Conn.
//
// Why not pgxpool: it needs github.com/jackc/puddle/v2 and golang.org/x/sync,
// whose checksums go.sum does not hold yet, and go.mod/go.sum are not this
// package's to change. The Store reaches connections only through acquire and
// release, so moving to pgxpool later touches this file and Open alone.
type pool struct {
	cfg     *pgx.ConnConfig
	slots   chan struct{} // one token per open (idle or busy) connection
	mu      sync.Mutex
	idle    []idleConn
	closed  bool
	maxIdle int
}

type idleConn struct {
	c     *pgx.Conn
	since time.Time
}

// idleCheck is how long a connection may sit idle before it is pinged on
// acquire: the server may have dropped it meanwhile (restart, idle timeout).
const idleCheck = 5 * time.Second

var errPoolClosed = errors.New("postgres: store closed")

func newPool(cfg *pgx.ConnConfig, max int) *pool {
	return &pool{cfg: cfg, slots: make(chan struct{}, max), maxIdle: max}
}

// acquire returns a connection for the caller's sole use until release.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			<-p.slots
			return nil, errPoolClosed
		}
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			break
		}
		ic := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if time.Since(ic.since) > idleCheck {
			if err := ic.c.Ping(ctx); err != nil {
				closeConn(ic.c)
				if ctx.Err() != nil {
					<-p.slots
					return nil, ctx.Err()
				}
				continue
			}
		}
		return ic.c, nil
	}
	c, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return c, nil
}

// release hands c back; a connection that is broken, busy or inside a
// transaction (a caller gave up half way) is closed instead of reused.
func (p *pool) release(c *pgx.Conn) {
	defer func() { <-p.slots }()
	pc := c.PgConn()
	if c.IsClosed() || pc.IsBusy() || pc.TxStatus() != 'I' {
		closeConn(c)
		return
	}
	p.mu.Lock()
	if p.closed || len(p.idle) >= p.maxIdle {
		p.mu.Unlock()
		closeConn(c)
		return
	}
	p.idle = append(p.idle, idleConn{c: c, since: time.Now()})
	p.mu.Unlock()
}

// close closes the idle connections; busy ones are closed on release.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, ic := range idle {
		closeConn(ic.c)
	}
}

func closeConn(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = c.Close(ctx)
}
