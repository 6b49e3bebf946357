package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/raasdev/raas/internal/httpjson"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

type batchIn struct {
	Reminders []json.RawMessage `json:"reminders"`
}

// batchItemIn is one reminder of a batch: a create's fields and its own
// optional idempotency key.
type batchItemIn struct {
	reminderIn
	IdempotencyKey string `json:"idempotency_key"`
}

// BatchOut answers a batch create, one result per reminder sent, in order.
type BatchOut struct {
	Results []BatchItemOut `json:"results"`
}

// BatchItemOut is one reminder's answer: status 201 with the reminder
// (replayed when its key had created it before), or the status and error a
// single create would have answered.
type BatchItemOut struct {
	Status   int                   `json:"status"`
	Reminder *ReminderAnswer       `json:"reminder,omitempty"`
	Replayed bool                  `json:"replayed,omitempty"`
	Error    *httpjson.ErrorDetail `json:"error,omitempty"`
}

// createBatch is POST /v1/reminders/batch: up to service.MaxBatch
// reminders stored in one transaction, each answered on its own.
func (h *Handler) createBatch(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, MaxBatchBody)
	if err != nil {
		return err
	}
	var in batchIn
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	if in.Reminders == nil {
		return remind.Invalid("reminders", "is required: an array of reminders")
	}
	if len(in.Reminders) > service.MaxBatch {
		return remind.Invalid("reminders", "holds %d reminders; at most %d are allowed", len(in.Reminders), service.MaxBatch)
	}
	ins := make([]service.CreateInput, len(in.Reminders))
	early := make([]error, len(in.Reminders)) // items refused before the service
	for i, raw := range in.Reminders {
		var it batchItemIn
		if err := DecodeStrict(raw, &it); err != nil {
			early[i] = err
			continue
		}
		if err := checkMeta(it.Meta); err != nil {
			early[i] = err
			continue
		}
		ack, err := ackIn(it.Ack)
		if err != nil {
			early[i] = err
			continue
		}
		sum := sha256.Sum256(raw)
		ins[i] = service.CreateInput{
			Title: it.Title, Desc: it.Desc, Text: it.Text, Time: timePtr(it.Time), RRule: it.RRule, TZ: it.TZ, Start: startPtr(it.Start),
			DeferMin: it.Defer, ExternalURL: it.ExternalURL, Recipients: it.Recipients, Channels: it.Channels, Ack: ack, Source: "v1", Meta: it.Meta,
			Urgent: it.Urgent, IdempotencyKey: it.IdempotencyKey, BodyHash: hex.EncodeToString(sum[:]),
		}
	}
	// Items refused here go to the service as inputs it refuses too (no
	// time): their answer is replaced by the early error below, and they
	// keep their place, so a replayed batch numbers its items the same.
	sum := sha256.Sum256(body)
	res, replayed, err := h.svc.CreateReminders(r.Context(), TenantFrom(r.Context()), ins, r.Header.Get("Idempotency-Key"), hex.EncodeToString(sum[:]))
	if err != nil {
		return err
	}
	var stored []remind.Reminder
	for _, rr := range res {
		if rr.Err == nil {
			stored = append(stored, rr.Reminder)
		}
	}
	reach, err := h.svc.ReachAll(r.Context(), TenantFrom(r.Context()), stored)
	if err != nil {
		return err
	}
	out := BatchOut{Results: make([]BatchItemOut, len(res))}
	j := 0 // the index in stored (and reach) of res[i] when it has no error
	for i, rr := range res {
		err := rr.Err
		if early[i] != nil && !rr.Replayed {
			err = early[i]
		}
		if rr.Err == nil {
			j++
		}
		if err != nil {
			out.Results[i] = itemError(err)
			continue
		}
		rem := reachAnswer(Reminder(rr.Reminder), reach[j-1])
		out.Results[i] = BatchItemOut{Status: http.StatusCreated, Reminder: &rem, Replayed: rr.Replayed}
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

// itemError is a batch item's error answer, as WriteError would give it
// for a single create (a domain error's status; anything else a 500).
func itemError(err error) BatchItemOut {
	code, detail := httpjson.Detail(err)
	return BatchItemOut{Status: code, Error: &detail}
}
