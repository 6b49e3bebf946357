package main

import "github.com/raasdev/raas/internal/app"

func wecronFlags(fs *flagSet, cfg *app.WeCronConfig) {}
