package main

import (
	"context"
	"fmt"
	"io"

	"github.com/raasdev/raas/internal/channel/webpush"
)

// runVapid implements `raas vapid generate`: it prints a new VAPID key
// pair as the environment lines to give every instance.
func runVapid(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "generate" {
		fmt.Fprintln(stderr, "usage: raas vapid generate")
		return 2
	}
	k, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		fmt.Fprintln(stderr, "raas vapid generate:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s=%s\n%s=%s\n", envName("vapid-public-key"), k.Public, envName("vapid-private-key"), k.Private)
	return 0
}
