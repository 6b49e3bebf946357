package main

import "github.com/raasdev/raas/internal/app"

func opsFlags(fs *flagSet, cfg *app.OpsConfig) {}
