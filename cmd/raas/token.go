package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/raasdev/raas/internal/service"
)

// runToken implements `raas token create`: it prints one new API token.
// It opens the store directly, so it works while the server runs.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: raas token create [--data DIR | --db URL] [--tenant NAME]")
		return 2
	}
	var tenant *string
	st, code := openStoreCmd(ctx, "token create", args[1:], stderr, func(fs *flagSet) {
		tenant = fs.String("tenant", "default", "tenant the token belongs to (created when new)")
	})
	if st == nil {
		return code
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
