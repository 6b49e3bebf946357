package postgres_test

import (
	"testing"

	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/pgtest"
	"github.com/raasdev/raas/internal/store/storetest"
)

func TestSubscriptions(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.RunSubscriptions(t, func(t *testing.T) store.Store {
		return open(t, pgtest.NewDatabase(t))
	})
}
