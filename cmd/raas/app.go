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
// is stored. With --sms-fallback 15m, in-app team reminders made through
// the app go out by SMS to members who have not confirmed 15 minutes after
// they fire. It opens the store directly, so it works while the server runs.
func runApp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: raas app create [--data DIR | --db URL] [--tenant NAME] [--sms-fallback 15m]")
		return 2
	}
	var tenant *string
	var fallback *time.Duration
	st, code := openStoreCmd(ctx, "app create", args[1:], stderr, func(fs *flagSet) {
		tenant = fs.String("tenant", "default", "tenant the app belongs to (created when new)")
		fallback = fs.Duration("sms-fallback", 0, "send in-app team reminders by SMS to members who have not confirmed this long after they fire (0: never)")
	})
	if st == nil {
		return code
	}
	defer st.Close()
	if f := *fallback; f != 0 && (f < service.MinSMSFallback || f > service.MaxSMSFallback) {
		fmt.Fprintf(stderr, "raas app create: --sms-fallback must be 0 or between %s and %s\n", service.MinSMSFallback, service.MaxSMSFallback)
		return 2
	}
	svc := service.New(st, nopWaker{}, time.Now, service.Config{})
	appID, secret, err := teamremind.CreateApp(ctx, svc, st, *tenant)
	if err != nil {
		fmt.Fprintln(stderr, "raas app create:", err)
		return 1
	}
	if *fallback != 0 {
		if err := teamremind.SetSMSFallback(ctx, svc, st, appID, *fallback); err != nil {
			fmt.Fprintln(stderr, "raas app create:", err)
			return 1
		}
	}
	out, _ := json.Marshal(map[string]string{"appId": appID, "appSecret": secret})
	fmt.Fprintln(stdout, string(out))
	return 0
}
