package teamremind

import "github.com/raasdev/raas/internal/remind"

// In-band statuses, each answered with HTTP 200 as {"status":N,"message":…}.
// docs/teamremind.md has the same table; keep them together.
const (
	StatusOK           = 0    // success
	StatusInvalid      = 4000 // the request is malformed or a field is invalid (the message names it)
	StatusNoToken      = 4001 // no accessToken parameter
	StatusBadToken     = 4002 // unknown accessToken (never issued, or purged a day after it expired)
	StatusTokenExpired = 4003 // accessToken expired: get a new one (the seed's "accessToken超时，请重新获取")
	StatusBadApp       = 4004 // appId or appSecret wrong or missing
	StatusNotCreator   = 4010 // only the reminder's creator may update or cancel it (or the creator or a member delete it)
	StatusNotFound     = 4011 // no such team reminder (or it was deleted)
	StatusCancelled    = 4012 // the reminder is cancelled and cannot be changed
	StatusNoTime       = 4013 // no usable remindTime and no time found in content
	StatusNoEndpoint   = 4040 // no such endpoint
	StatusTooLarge     = 4130 // the request body is larger than 1 MiB
	StatusRateLimited  = 4290 // too many requests (answered with HTTP 429 and Retry-After)
	StatusInternal     = 5000 // internal error (logged on the server)
)

// domainStatus maps the service's error codes onto statuses.
var domainStatus = map[remind.Code]int{
	remind.CodeInvalid:      StatusInvalid,
	remind.CodeNoTime:       StatusNoTime,
	remind.CodeNotFound:     StatusNotFound,
	remind.CodeConflict:     StatusCancelled,
	remind.CodeForbidden:    StatusNotCreator,
	remind.CodeUnauthorized: StatusBadToken,
	remind.CodeTooLarge:     StatusTooLarge,
	remind.CodeRateLimited:  StatusRateLimited,
}
