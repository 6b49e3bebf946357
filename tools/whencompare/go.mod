module github.com/raasdev/raas/tools/whencompare

go 1.26.8

require (
	github.com/olebedev/when v1.1.0
	github.com/raasdev/raas v0.0.0
)

require (
	github.com/6tail/tyme4go v1.4.3 // indirect
	github.com/AlekSi/pointer v1.0.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/teambition/rrule-go v1.8.2 // indirect
)

replace github.com/raasdev/raas => ../..
