package main

import "github.com/raasdev/raas/internal/app"

func teamRemindFlags(fs *flagSet, cfg *app.TeamRemindConfig) {}
