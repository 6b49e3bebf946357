package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/service"
)

// runApp implements `raas app create`: it prints a new team-remind app's
// {"appId":…,"appSecret":…}. The secret is shown this once; only its hash
// is stored. It opens the store directly, so it works while the server runs.
func runApp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: raas app create [--data DIR | --db URL] [--tenant NAME]")
		return 2
	}
	var tenant *string
	st, code := openStoreCmd(ctx, "app create", args[1:], stderr, func(fs *flagSet) {
		tenant = fs.String("tenant", "default", "tenant the app belongs to (created when new)")
	})
	if st == nil {
		return code
	}
	defer st.Close()
	svc := service.New(st, nopWaker{}, time.Now, service.Config{})
	appID, secret, err := teamremind.CreateApp(ctx, svc, st, *tenant)
	if err != nil {
		fmt.Fprintln(stderr, "raas app create:", err)
		return 1
	}
	out, _ := json.Marshal(map[string]string{"appId": appID, "appSecret": secret})
	fmt.Fprintln(stdout, string(out))
	return 0
}
