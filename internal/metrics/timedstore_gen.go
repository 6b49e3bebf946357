// Code generated from internal/store/store.go by a one-off script; keep it in step with store.Store.

package metrics

import (
	"context"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

var _ store.Store = (*timedStore)(nil)

func (s *timedStore) Migrate(ctx context.Context) error {
	start := time.Now()
	err := s.Store.Migrate(ctx)
	s.m.ObserveStore("Migrate", time.Since(start), err)
	return err
}

func (s *timedStore) Ping(ctx context.Context) error {
	start := time.Now()
	err := s.Store.Ping(ctx)
	s.m.ObserveStore("Ping", time.Since(start), err)
	return err
}

func (s *timedStore) CreateTenant(ctx context.Context, t remind.Tenant) error {
	start := time.Now()
	err := s.Store.CreateTenant(ctx, t)
	s.m.ObserveStore("CreateTenant", time.Since(start), err)
	return err
}

func (s *timedStore) GetTenant(ctx context.Context, id string) (remind.Tenant, error) {
	start := time.Now()
	v0, err := s.Store.GetTenant(ctx, id)
	s.m.ObserveStore("GetTenant", time.Since(start), err)
	return v0, err
}

func (s *timedStore) TenantByName(ctx context.Context, name string) (remind.Tenant, error) {
	start := time.Now()
	v0, err := s.Store.TenantByName(ctx, name)
	s.m.ObserveStore("TenantByName", time.Since(start), err)
	return v0, err
}

func (s *timedStore) UpdateTenant(ctx context.Context, t remind.Tenant) error {
	start := time.Now()
	err := s.Store.UpdateTenant(ctx, t)
	s.m.ObserveStore("UpdateTenant", time.Since(start), err)
	return err
}

func (s *timedStore) CreateToken(ctx context.Context, tok remind.APIToken) error {
	start := time.Now()
	err := s.Store.CreateToken(ctx, tok)
	s.m.ObserveStore("CreateToken", time.Since(start), err)
	return err
}

func (s *timedStore) TokenByHash(ctx context.Context, tokenHash string) (remind.APIToken, remind.Tenant, error) {
	start := time.Now()
	v0, v1, err := s.Store.TokenByHash(ctx, tokenHash)
	s.m.ObserveStore("TokenByHash", time.Since(start), err)
	return v0, v1, err
}

func (s *timedStore) ListTokens(ctx context.Context, tenantID string) ([]remind.APIToken, error) {
	start := time.Now()
	v0, err := s.Store.ListTokens(ctx, tenantID)
	s.m.ObserveStore("ListTokens", time.Since(start), err)
	return v0, err
}

func (s *timedStore) ListAllTokens(ctx context.Context) ([]remind.APIToken, error) {
	start := time.Now()
	v0, err := s.Store.ListAllTokens(ctx)
	s.m.ObserveStore("ListAllTokens", time.Since(start), err)
	return v0, err
}

func (s *timedStore) RevokeToken(ctx context.Context, tenantID, id string) error {
	start := time.Now()
	err := s.Store.RevokeToken(ctx, tenantID, id)
	s.m.ObserveStore("RevokeToken", time.Since(start), err)
	return err
}

func (s *timedStore) TouchToken(ctx context.Context, id string, at, notBefore time.Time) error {
	start := time.Now()
	err := s.Store.TouchToken(ctx, id, at, notBefore)
	s.m.ObserveStore("TouchToken", time.Since(start), err)
	return err
}

func (s *timedStore) CreateSession(ctx context.Context, ss remind.Session) error {
	start := time.Now()
	err := s.Store.CreateSession(ctx, ss)
	s.m.ObserveStore("CreateSession", time.Since(start), err)
	return err
}

func (s *timedStore) SessionByHash(ctx context.Context, hash string, now time.Time) (remind.Session, remind.Tenant, error) {
	start := time.Now()
	v0, v1, err := s.Store.SessionByHash(ctx, hash, now)
	s.m.ObserveStore("SessionByHash", time.Since(start), err)
	return v0, v1, err
}

func (s *timedStore) DeleteSession(ctx context.Context, hash string) error {
	start := time.Now()
	err := s.Store.DeleteSession(ctx, hash)
	s.m.ObserveStore("DeleteSession", time.Since(start), err)
	return err
}

func (s *timedStore) CreateReminder(ctx context.Context, r remind.Reminder, idem *store.Idempotency) (stored remind.Reminder, replayed bool, err error) {
	start := time.Now()
	v0, v1, err := s.Store.CreateReminder(ctx, r, idem)
	s.m.ObserveStore("CreateReminder", time.Since(start), err)
	return v0, v1, err
}

func (s *timedStore) GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error) {
	start := time.Now()
	v0, err := s.Store.GetReminder(ctx, tenantID, id)
	s.m.ObserveStore("GetReminder", time.Since(start), err)
	return v0, err
}

func (s *timedStore) Changes(ctx context.Context) (uint64, error) {
	start := time.Now()
	v0, err := s.Store.Changes(ctx)
	s.m.ObserveStore("Changes", time.Since(start), err)
	return v0, err
}

func (s *timedStore) ReminderOverview(ctx context.Context, tenantID string, next int) (store.Overview, error) {
	start := time.Now()
	v0, err := s.Store.ReminderOverview(ctx, tenantID, next)
	s.m.ObserveStore("ReminderOverview", time.Since(start), err)
	return v0, err
}

func (s *timedStore) ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error) {
	start := time.Now()
	v0, err := s.Store.ListReminders(ctx, tenantID, q)
	s.m.ObserveStore("ListReminders", time.Since(start), err)
	return v0, err
}

func (s *timedStore) ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, fn func(r *remind.Reminder) error) (remind.Reminder, error) {
	start := time.Now()
	v0, err := s.Store.ModifyReminder(ctx, tenantID, id, at, fn)
	s.m.ObserveStore("ModifyReminder", time.Since(start), err)
	return v0, err
}

func (s *timedStore) CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error) {
	start := time.Now()
	v0, err := s.Store.CancelReminder(ctx, tenantID, id, at)
	s.m.ObserveStore("CancelReminder", time.Since(start), err)
	return v0, err
}

func (s *timedStore) DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error {
	start := time.Now()
	err := s.Store.DeleteReminder(ctx, tenantID, id, at)
	s.m.ObserveStore("DeleteReminder", time.Since(start), err)
	return err
}

func (s *timedStore) PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error) {
	start := time.Now()
	v0, err := s.Store.PutRecipient(ctx, rc)
	s.m.ObserveStore("PutRecipient", time.Since(start), err)
	return v0, err
}

func (s *timedStore) GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error) {
	start := time.Now()
	v0, err := s.Store.GetRecipient(ctx, tenantID, uid)
	s.m.ObserveStore("GetRecipient", time.Since(start), err)
	return v0, err
}

func (s *timedStore) DeleteRecipient(ctx context.Context, tenantID, uid string) error {
	start := time.Now()
	err := s.Store.DeleteRecipient(ctx, tenantID, uid)
	s.m.ObserveStore("DeleteRecipient", time.Since(start), err)
	return err
}

func (s *timedStore) CreateWebhook(ctx context.Context, w remind.Webhook) error {
	start := time.Now()
	err := s.Store.CreateWebhook(ctx, w)
	s.m.ObserveStore("CreateWebhook", time.Since(start), err)
	return err
}

func (s *timedStore) ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error) {
	start := time.Now()
	v0, err := s.Store.ListWebhooks(ctx, tenantID)
	s.m.ObserveStore("ListWebhooks", time.Since(start), err)
	return v0, err
}

func (s *timedStore) GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error) {
	start := time.Now()
	v0, err := s.Store.GetWebhook(ctx, tenantID, id)
	s.m.ObserveStore("GetWebhook", time.Since(start), err)
	return v0, err
}

func (s *timedStore) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	start := time.Now()
	err := s.Store.DeleteWebhook(ctx, tenantID, id)
	s.m.ObserveStore("DeleteWebhook", time.Since(start), err)
	return err
}

func (s *timedStore) DisableWebhook(ctx context.Context, tenantID, id string) error {
	start := time.Now()
	err := s.Store.DisableWebhook(ctx, tenantID, id)
	s.m.ObserveStore("DisableWebhook", time.Since(start), err)
	return err
}

func (s *timedStore) NextFireAt(ctx context.Context) (time.Time, bool, error) {
	start := time.Now()
	v0, v1, err := s.Store.NextFireAt(ctx)
	s.m.ObserveStore("NextFireAt", time.Since(start), err)
	return v0, v1, err
}

func (s *timedStore) FireDue(ctx context.Context, now time.Time, limit int, leaseUntil time.Time, plan store.FirePlanner) ([]remind.Delivery, error) {
	start := time.Now()
	v0, err := s.Store.FireDue(ctx, now, limit, leaseUntil, plan)
	s.m.ObserveStore("FireDue", time.Since(start), err)
	return v0, err
}

func (s *timedStore) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	start := time.Now()
	v0, v1, err := s.Store.NextDeliveryAt(ctx)
	s.m.ObserveStore("NextDeliveryAt", time.Since(start), err)
	return v0, v1, err
}

func (s *timedStore) LeaseDeliveries(ctx context.Context, now time.Time, limit int, leaseUntil time.Time) ([]remind.Delivery, error) {
	start := time.Now()
	v0, err := s.Store.LeaseDeliveries(ctx, now, limit, leaseUntil)
	s.m.ObserveStore("LeaseDeliveries", time.Since(start), err)
	return v0, err
}

func (s *timedStore) PendingOf(ctx context.Context, ids []string) (map[string]int, error) {
	start := time.Now()
	v0, err := s.Store.PendingOf(ctx, ids)
	s.m.ObserveStore("PendingOf", time.Since(start), err)
	return v0, err
}

func (s *timedStore) FinishDeliveries(ctx context.Context, results []store.Result) error {
	start := time.Now()
	err := s.Store.FinishDeliveries(ctx, results)
	s.m.ObserveStore("FinishDeliveries", time.Since(start), err)
	return err
}

func (s *timedStore) ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]store.DeliveryWithAttempts, error) {
	start := time.Now()
	v0, err := s.Store.ListDeliveries(ctx, tenantID, reminderID)
	s.m.ObserveStore("ListDeliveries", time.Since(start), err)
	return v0, err
}

func (s *timedStore) FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error) {
	start := time.Now()
	v0, err := s.Store.FailedDeliveries(ctx, tenantID, since, limit)
	s.m.ObserveStore("FailedDeliveries", time.Since(start), err)
	return v0, err
}

func (s *timedStore) AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error) {
	start := time.Now()
	v0, err := s.Store.AddInboxItem(ctx, it)
	s.m.ObserveStore("AddInboxItem", time.Since(start), err)
	return v0, err
}

func (s *timedStore) ListInbox(ctx context.Context, tenantID, uid string, q store.ListQuery) ([]remind.InboxItem, error) {
	start := time.Now()
	v0, err := s.Store.ListInbox(ctx, tenantID, uid, q)
	s.m.ObserveStore("ListInbox", time.Since(start), err)
	return v0, err
}

func (s *timedStore) SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error) {
	start := time.Now()
	v0, err := s.Store.SetInboxStatus(ctx, tenantID, uid, itemID, st, at)
	s.m.ObserveStore("SetInboxStatus", time.Since(start), err)
	return v0, err
}

func (s *timedStore) InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error) {
	start := time.Now()
	v0, err := s.Store.InboxStatusByReminder(ctx, tenantID, reminderID)
	s.m.ObserveStore("InboxStatusByReminder", time.Since(start), err)
	return v0, err
}
