package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/service"
)

// runToken implements `raas token create`: it prints one new API token.
// It opens the store directly, so it works while the server runs.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: raas token create [--data DIR | --db URL] [--tenant NAME]")
		return 2
	}
	fs := newFlagSet("token create", stderr)
	cfg := app.Defaults()
	storeFlags(fs, &cfg)
	tenant := fs.String("tenant", "default", "tenant the token belongs to (created when new)")
	if err := fs.parse(args[1:]); err != nil {
		return 2
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "raas token create:", err)
		return 1
	}
	defer st.Close()
	svc := service.New(st, nopWaker{}, time.Now, service.Config{})
	token, _, err := svc.CreateToken(ctx, *tenant)
	if err != nil {
		fmt.Fprintln(stderr, "raas token create:", err)
		return 1
	}
	fmt.Fprintln(stdout, token)
	return 0
}

type nopWaker struct{}

func (nopWaker) Notify(time.Time) {}
