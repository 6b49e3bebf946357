package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
)

const tokenUsage = `usage: raas token create [--tenant NAME] [--owner-email ADDR]
                                           print a new API token (its id on stderr); --owner-email
                                           sets the e-mail of the tenant's owner recipient, who gets
                                           the reminders made without recipients
       raas token list [--tenant NAME]     list tokens: id, tenant, created, last used (never the secret)
       raas token revoke TOKEN_OR_ID       revoke a token: it stops authenticating at once
each with --data DIR or --db URL`

// runToken implements `raas token create|list|revoke`. It opens the store
// directly, so it works while the server runs.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, tokenUsage)
		return 2
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevoke(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintln(stderr, tokenUsage)
	return 2
}

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var tenant, ownerEmail *string
	st, code := openStoreCmd(ctx, "token create", args, stderr, func(fs *flagSet) {
		tenant = fs.String("tenant", "default", "tenant the token belongs to (created when new)")
		ownerEmail = fs.String("owner-email", "", "e-mail of the tenant's owner recipient (uid \"owner\"), who gets reminders made without recipients")
	})
	if st == nil {
		return code
	}
	defer st.Close()
	svc := service.New(st, nopWaker{}, time.Now, service.Config{})
	if err := remind.CheckText("tenant", *tenant, 100); err != nil || *tenant == "" {
		fmt.Fprintln(stderr, "raas token create: --tenant: give a name of 1 to 100 characters")
		return 2
	}
	t, err := svc.EnsureTenant(ctx, *tenant)
	if err != nil {
		fmt.Fprintln(stderr, "raas token create:", err)
		return 1
	}
	if *ownerEmail != "" {
		if _, err := svc.SetOwnerEmail(ctx, t, *ownerEmail); err != nil {
			fmt.Fprintln(stderr, "raas token create: --owner-email:", err)
			return 2
		}
	}
	secret, k, err := svc.IssueToken(ctx, t)
	if err != nil {
		fmt.Fprintln(stderr, "raas token create:", err)
		return 1
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token id %s (tenant %s)\n", k.ID, t.Name)
	return 0
}

func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var tenant *string
	st, code := openStoreCmd(ctx, "token list", args, stderr, func(fs *flagSet) {
		tenant = fs.String("tenant", "", "list only this tenant's tokens")
	})
	if st == nil {
		return code
	}
	defer st.Close()
	var list []remind.APIToken
	var err error
	if *tenant != "" {
		var t remind.Tenant
		if t, err = st.TenantByName(ctx, *tenant); err == nil {
			list, err = st.ListTokens(ctx, t.ID)
		}
	} else {
		list, err = st.ListAllTokens(ctx)
	}
	if errors.Is(err, remind.ErrNotFound) {
		fmt.Fprintf(stderr, "raas token list: no tenant %q\n", *tenant)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "raas token list:", err)
		return 1
	}
	names, err := tenantNames(ctx, st, list)
	if err != nil {
		fmt.Fprintln(stderr, "raas token list:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTENANT\tCREATED\tLAST USED")
	for _, k := range list {
		used := "never"
		if !k.LastUsedAt.IsZero() {
			used = k.LastUsedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, names[k.TenantID], k.CreatedAt.UTC().Format(time.RFC3339), used)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(stderr, "raas token list:", err)
		return 1
	}
	return 0
}

// tenantNames maps the tenants of list to their names.
func tenantNames(ctx context.Context, st store.Store, list []remind.APIToken) (map[string]string, error) {
	names := map[string]string{}
	for _, k := range list {
		if _, ok := names[k.TenantID]; ok {
			continue
		}
		t, err := st.GetTenant(ctx, k.TenantID)
		if err != nil {
			return nil, err
		}
		names[k.TenantID] = t.Name
	}
	return names, nil
}

func tokenRevoke(ctx context.Context, args []string, _, stderr io.Writer) int {
	// The token or id comes first or last: raas token revoke ID --db URL, or --db URL ID.
	var which string
	switch {
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		which, args = args[0], args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-"):
		which, args = args[len(args)-1], args[:len(args)-1]
	}
	if which == "" {
		fmt.Fprintln(stderr, tokenUsage)
		return 2
	}
	st, code := openStoreCmd(ctx, "token revoke", args, stderr, nil)
	if st == nil {
		return code
	}
	defer st.Close()
	svc := service.New(st, nopWaker{}, time.Now, service.Config{})
	k, err := svc.RevokeAnyToken(ctx, which)
	if errors.Is(err, remind.ErrNotFound) {
		fmt.Fprintln(stderr, "raas token revoke: no such token")
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "raas token revoke:", err)
		return 1
	}
	fmt.Fprintf(stderr, "revoked token %s\n", k.ID)
	return 0
}

type nopWaker struct{}

func (nopWaker) Notify(context.Context, time.Time) {}
