// Command raas is the Reminder-as-a-Service binary: the server, its admin
// commands and a client for a running server. It wires packages together and
// holds no logic of its own.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand: it gets its arguments (without the name) and
// returns the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"app":     {"create a team-remind app: raas app create [--tenant NAME]", runApp},
		"parse":   {"read a time phrase and print the schedule as JSON", runParse},
		"serve":   {"run the service", runServe},
		"migrate": {"bring the database schema up to date", runMigrate},
		"bench":   {"measure: raas bench herd|spread|crash|capacity|floor", runBench},
		"token":   {"API tokens: raas token create|list|revoke", runToken},
		"vapid":   {"print a new Web Push VAPID key pair: raas vapid generate", runVapid},

		// client, version and backup (ops)
		"remind":  {"talk to a running server: raas remind add|list|show|cancel|import", runRemind},
		"version": {"print the version", runVersion},
		"backup":  {"copy the SQLite database online and consistently: raas backup --to FILE", runBackup},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "raas: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: raas <command> [flags]\n\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}
