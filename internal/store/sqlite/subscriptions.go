package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// The WeCron subscription methods (see remind.Subscriber). They are not part
// of store.Store: internal/web declares the interface it consumes.

const linkCols = `token, tenant_id, reminder_id, wechat_ticket, wechat_expire_ms, created_ms`

func scanLink(row interface{ Scan(...any) error }) (remind.SubscribeLink, error) {
	var l remind.SubscribeLink
	var exp, created int64
	err := row.Scan(&l.Token, &l.TenantID, &l.ReminderID, &l.WeChatTicket, &exp, &created)
	if exp != 0 {
		l.WeChatExpireAt = fromMS(exp)
	}
	l.CreatedAt = fromMS(created)
	return l, err
}

// CreateSubscribeLink stores l unless the reminder has a link already, and
// returns the reminder's link (the existing one when there was one).
func (s *Store) CreateSubscribeLink(ctx context.Context, l remind.SubscribeLink) (remind.SubscribeLink, error) {
	var out remind.SubscribeLink
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscribe_links (`+linkCols+`) VALUES (?, ?, ?, '', 0, ?)
			ON CONFLICT (reminder_id) DO NOTHING`, l.Token, l.TenantID, l.ReminderID, ms(l.CreatedAt)); err != nil {
			return err
		}
		var err error
		out, err = scanLink(tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = ? AND tenant_id = ?`, l.ReminderID, l.TenantID))
		return err
	})
	if err != nil {
		return out, notFound(err, "subscribe link")
	}
	return out, nil
}

// SubscribeLinkByToken returns the link with this token.
func (s *Store) SubscribeLinkByToken(ctx context.Context, token string) (remind.SubscribeLink, error) {
	l, err := scanLink(s.r.QueryRowContext(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE token = ?`, token))
	if err != nil {
		return l, notFound(err, "subscribe link")
	}
	return l, nil
}

// SubscribeLinkOf returns a reminder's link.
func (s *Store) SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	l, err := scanLink(s.r.QueryRowContext(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = ? AND tenant_id = ?`, reminderID, tenantID))
	if err != nil {
		return l, notFound(err, "subscribe link")
	}
	return l, nil
}

// SubscribeLinkByReminder returns a reminder's link whatever its tenant: the
// public poster URL names only the reminder id.
func (s *Store) SubscribeLinkByReminder(ctx context.Context, reminderID string) (remind.SubscribeLink, error) {
	l, err := scanLink(s.r.QueryRowContext(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = ?`, reminderID))
	if err != nil {
		return l, notFound(err, "subscribe link")
	}
	return l, nil
}

// SetWeChatTicket records the WeChat QR ticket made for a link.
func (s *Store) SetWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE subscribe_links SET wechat_ticket = ?, wechat_expire_ms = ? WHERE token = ?`, ticket, ms(expireAt), token)
	if err != nil {
		return fmt.Errorf("sqlite: set wechat ticket: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: %w", remind.NotFound("subscribe link"))
	}
	return nil
}

const subCols = `id, tenant_id, reminder_id, channel, address, state, token, created_ms, updated_ms, name`

func scanSub(row interface{ Scan(...any) error }) (remind.Subscriber, error) {
	var sb remind.Subscriber
	var created, updated int64
	err := row.Scan(&sb.ID, &sb.TenantID, &sb.ReminderID, &sb.Channel, &sb.Address, &sb.State, &sb.Token, &created, &updated, &sb.Name)
	sb.CreatedAt, sb.UpdatedAt = fromMS(created), fromMS(updated)
	return sb, err
}

// PutSubscriber inserts sb, or, when a subscriber with its id exists and is
// not confirmed, gives it sb's state and token. A confirmed subscriber is
// left as it is. It returns the stored subscriber.
func (s *Store) PutSubscriber(ctx context.Context, sb remind.Subscriber) (remind.Subscriber, error) {
	var out remind.Subscriber
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscribers (`+subCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, token = excluded.token, updated_ms = excluded.updated_ms,
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE subscribers.name END
			WHERE subscribers.state <> 'confirmed'`,
			sb.ID, sb.TenantID, sb.ReminderID, sb.Channel, sb.Address, sb.State, sb.Token, ms(sb.CreatedAt), ms(sb.UpdatedAt), sb.Name); err != nil {
			return err
		}
		var err error
		out, err = scanSub(tx.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE id = ?`, sb.ID))
		return err
	})
	if err != nil {
		return out, fmt.Errorf("sqlite: put subscriber: %w", err)
	}
	return out, nil
}

// GetSubscriber returns a subscriber by id (its recipient uid) within a tenant.
func (s *Store) GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error) {
	sb, err := scanSub(s.r.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE id = ? AND tenant_id = ?`, id, tenantID))
	if err != nil {
		return sb, notFound(err, "subscriber")
	}
	return sb, nil
}

// SubscriberByToken returns the subscriber a confirm or unsubscribe link names.
func (s *Store) SubscriberByToken(ctx context.Context, token string) (remind.Subscriber, error) {
	sb, err := scanSub(s.r.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = ?`, token))
	if err != nil {
		return sb, notFound(err, "subscriber")
	}
	return sb, nil
}

// ListSubscribers returns a reminder's subscribers in id order.
func (s *Store) ListSubscribers(ctx context.Context, tenantID, reminderID string) ([]remind.Subscriber, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE reminder_id = ? AND tenant_id = ? ORDER BY id`, reminderID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list subscribers: %w", err)
	}
	defer rows.Close()
	var out []remind.Subscriber
	for rows.Next() {
		sb, err := scanSub(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list subscribers: %w", err)
		}
		out = append(out, sb)
	}
	return out, rows.Err()
}

// ConfirmSubscriber confirms the subscriber whose link token this is, in
// one transaction: its state becomes confirmed, a recipient (uid = its id,
// with its address on its channel) is put, and the uid is added to the
// reminder's recipients. Confirming twice changes nothing. It fails with
// remind.ErrNotFound for an unknown token, an unsubscribed subscriber or a
// deleted reminder, and with remind.ErrConflict when the reminder has
// remind.MaxRecipients recipients already.
func (s *Store) ConfirmSubscriber(ctx context.Context, token string, at time.Time) (remind.Subscriber, error) {
	defer s.changes.Add(1)
	var out remind.Subscriber
	err := s.tx(ctx, func(tx *sql.Tx) error {
		sb, err := scanSub(tx.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = ?`, token))
		if err != nil {
			return notFound(err, "subscriber")
		}
		if sb.State == remind.SubscriberUnsubscribed {
			return fmt.Errorf("sqlite: %w", remind.NotFound("subscription"))
		}
		out = sb
		if sb.State == remind.SubscriberConfirmed {
			return nil
		}
		// Through modifyReminder: ordered with every other write to the
		// reminder, and a firing claimed ahead is planned again with the
		// new subscriber in it.
		if _, err := modifyReminder(ctx, tx, sb.TenantID, sb.ReminderID, at, "", func(r *remind.Reminder) error {
			r.UpdatedAt = at
			return r.AddRecipient(sb.ID)
		}); err != nil {
			return err
		}
		rc := remind.SubscriberRecipient(sb, at)
		if _, err := tx.ExecContext(ctx, `INSERT INTO recipients (`+subscriberRecipientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, uid) DO UPDATE SET name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE recipients.name END, email = excluded.email, wechat_openid = excluded.wechat_openid, webpush = excluded.webpush, muted = 0, updated_ms = excluded.updated_ms`,
			rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, 0, ms(at), ms(at), boolInt(rc.WebPush)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE subscribers SET state = 'confirmed', updated_ms = ? WHERE id = ?`, ms(at), sb.ID); err != nil {
			return err
		}
		out.State, out.UpdatedAt = remind.SubscriberConfirmed, at
		return nil
	})
	if err != nil {
		return out, wrapErr("confirm subscriber", err)
	}
	return out, nil
}

// Unsubscribe ends the subscription whose link token this is, in one
// transaction: its state becomes unsubscribed, its recipient is deleted and
// its uid leaves the reminder's recipients (of a deleted reminder too).
// Unsubscribing twice changes nothing; an unknown token is remind.ErrNotFound.
func (s *Store) Unsubscribe(ctx context.Context, token string, at time.Time) (remind.Subscriber, error) {
	defer s.changes.Add(1)
	var out remind.Subscriber
	err := s.tx(ctx, func(tx *sql.Tx) error {
		sb, err := scanSub(tx.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = ?`, token))
		if err != nil {
			return notFound(err, "subscriber")
		}
		out = sb
		if sb.State == remind.SubscriberUnsubscribed {
			return nil
		}
		_, err = modifyReminder(ctx, tx, sb.TenantID, sb.ReminderID, at, "", func(r *remind.Reminder) error {
			r.UpdatedAt = at
			r.RemoveRecipient(sb.ID)
			return nil
		})
		if err != nil && !errors.Is(err, remind.ErrNotFound) { // a deleted reminder keeps its list
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recipients WHERE tenant_id = ? AND uid = ?`, sb.TenantID, sb.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE subscribers SET state = 'unsubscribed', updated_ms = ? WHERE id = ?`, ms(at), sb.ID); err != nil {
			return err
		}
		out.State, out.UpdatedAt = remind.SubscriberUnsubscribed, at
		return nil
	})
	if err != nil {
		return out, wrapErr("unsubscribe", err)
	}
	return out, nil
}

func wrapErr(what string, err error) error {
	var de *remind.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// CalendarFeedOf returns the recipient's calendar feed, made from f (its
// Token and CreatedAt) when the recipient has none.
func (s *Store) CalendarFeedOf(ctx context.Context, f store.CalendarFeed) (store.CalendarFeed, error) {
	out := store.CalendarFeed{TenantID: f.TenantID, UID: f.UID}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (token, tenant_id, uid, created_ms) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, uid) DO NOTHING`, f.Token, f.TenantID, f.UID, ms(f.CreatedAt)); err != nil {
			return err
		}
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT token, created_ms FROM calendar_feeds WHERE tenant_id = ? AND uid = ?`, f.TenantID, f.UID).Scan(&out.Token, &created)
		out.CreatedAt = fromMS(created)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("sqlite: calendar feed: %w", notFound(err, "calendar feed"))
	}
	return out, nil
}

// CalendarFeedByToken returns the feed with this token.
func (s *Store) CalendarFeedByToken(ctx context.Context, token string) (store.CalendarFeed, error) {
	f := store.CalendarFeed{Token: token}
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT tenant_id, uid, created_ms FROM calendar_feeds WHERE token = ?`, token).Scan(&f.TenantID, &f.UID, &created)
	if err != nil {
		return f, notFound(err, "calendar feed")
	}
	f.CreatedAt = fromMS(created)
	return f, nil
}
