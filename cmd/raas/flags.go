package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// flagSet is a flag.FlagSet whose every flag has an environment twin
// (--data-dir ↔ RAAS_DATA_DIR): a flag given on the command line wins,
// then the environment, then the default.
type flagSet struct {
	*flag.FlagSet
	env map[string]string // flag name → variable
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), env: map[string]string{}}
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: raas %s [flags]\n\nflags (each with its environment twin):\n", name)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(stderr, "  --%-24s $%-26s %s%s\n", f.Name, fs.env[f.Name], f.Usage, def)
		})
	}
	return fs
}

// envName returns the environment twin of a flag name.
func envName(flagName string) string {
	return "RAAS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse parses args, then fills flags not given from the environment.
func (fs *flagSet) parse(args []string) error {
	fs.VisitAll(func(f *flag.Flag) { fs.env[f.Name] = envName(f.Name) })
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(fs.env[f.Name]); ok {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("$%s: %w", fs.env[f.Name], serr)
			}
		}
	})
	return err
}
