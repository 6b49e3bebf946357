package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// The WeCron subscription methods (see remind.Subscriber). They are not part
// of store.Store: internal/web declares the interface it consumes.

const linkCols = `token, tenant_id, reminder_id, wechat_ticket, wechat_expire_ms, created_ms`

func scanLink(row pgx.Row) (remind.SubscribeLink, error) {
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO subscribe_links (`+linkCols+`) VALUES ($1, $2, $3, '', 0, $4)
			ON CONFLICT (reminder_id) DO NOTHING`, l.Token, l.TenantID, l.ReminderID, ms(l.CreatedAt)); err != nil {
			return err
		}
		var err error
		out, err = scanLink(tx.QueryRow(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = $1 AND tenant_id = $2`, l.ReminderID, l.TenantID))
		return err
	})
	if err != nil {
		return out, notFound(err, "subscribe link")
	}
	return out, nil
}

func (s *Store) oneLink(ctx context.Context, sql string, args ...any) (remind.SubscribeLink, error) {
	var l remind.SubscribeLink
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		l, err = scanLink(row)
		return err
	}, sql, args...)
	if err != nil {
		return l, notFound(err, "subscribe link")
	}
	return l, nil
}

// SubscribeLinkByToken returns the link with this token.
func (s *Store) SubscribeLinkByToken(ctx context.Context, token string) (remind.SubscribeLink, error) {
	return s.oneLink(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE token = $1`, token)
}

// SubscribeLinkOf returns a reminder's link.
func (s *Store) SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	return s.oneLink(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = $1 AND tenant_id = $2`, reminderID, tenantID)
}

// SubscribeLinkByReminder returns a reminder's link whatever its tenant: the
// public poster URL names only the reminder id.
func (s *Store) SubscribeLinkByReminder(ctx context.Context, reminderID string) (remind.SubscribeLink, error) {
	return s.oneLink(ctx, `SELECT `+linkCols+` FROM subscribe_links WHERE reminder_id = $1`, reminderID)
}

// SetWeChatTicket records the WeChat QR ticket made for a link.
func (s *Store) SetWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error {
	tag, err := s.exec(ctx, `UPDATE subscribe_links SET wechat_ticket = $1, wechat_expire_ms = $2 WHERE token = $3`, ticket, ms(expireAt), token)
	if err != nil {
		return fmt.Errorf("postgres: set wechat ticket: %w", err)
	}
	return mustAffect(tag, "subscribe link")
}

const subCols = `id, tenant_id, reminder_id, channel, address, state, token, created_ms, updated_ms, name`

func scanSub(row pgx.Row) (remind.Subscriber, error) {
	var sb remind.Subscriber
	var created, updated int64
	err := row.Scan(&sb.ID, &sb.TenantID, &sb.ReminderID, &sb.Channel, &sb.Address, &sb.State, &sb.Token, &created, &updated, &sb.Name)
	sb.CreatedAt, sb.UpdatedAt = fromMS(created), fromMS(updated)
	return sb, err
}

func (s *Store) oneSub(ctx context.Context, sql string, args ...any) (remind.Subscriber, error) {
	var sb remind.Subscriber
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		sb, err = scanSub(row)
		return err
	}, sql, args...)
	if err != nil {
		return sb, notFound(err, "subscriber")
	}
	return sb, nil
}

// PutSubscriber inserts sb, or, when a subscriber with its id exists and is
// not confirmed, gives it sb's state and token. A confirmed subscriber is
// left as it is. It returns the stored subscriber.
func (s *Store) PutSubscriber(ctx context.Context, sb remind.Subscriber) (remind.Subscriber, error) {
	var out remind.Subscriber
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO subscribers (`+subCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, token = excluded.token, updated_ms = excluded.updated_ms,
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE subscribers.name END
			WHERE subscribers.state <> 'confirmed'`,
			sb.ID, sb.TenantID, sb.ReminderID, sb.Channel, sb.Address, sb.State, sb.Token, ms(sb.CreatedAt), ms(sb.UpdatedAt), sb.Name); err != nil {
			return err
		}
		var err error
		out, err = scanSub(tx.QueryRow(ctx, `SELECT `+subCols+` FROM subscribers WHERE id = $1`, sb.ID))
		return err
	})
	if err != nil {
		return out, fmt.Errorf("postgres: put subscriber: %w", err)
	}
	return out, nil
}

// GetSubscriber returns a subscriber by id (its recipient uid) within a tenant.
func (s *Store) GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error) {
	return s.oneSub(ctx, `SELECT `+subCols+` FROM subscribers WHERE id = $1 AND tenant_id = $2`, id, tenantID)
}

// SubscriberByToken returns the subscriber a confirm or unsubscribe link names.
func (s *Store) SubscriberByToken(ctx context.Context, token string) (remind.Subscriber, error) {
	return s.oneSub(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = $1`, token)
}

// ListSubscribers returns a reminder's subscribers in id order.
func (s *Store) ListSubscribers(ctx context.Context, tenantID, reminderID string) ([]remind.Subscriber, error) {
	var out []remind.Subscriber
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		sb, err := scanSub(rows)
		out = append(out, sb)
		return err
	}, `SELECT `+subCols+` FROM subscribers WHERE reminder_id = $1 AND tenant_id = $2 ORDER BY id`, reminderID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list subscribers: %w", err)
	}
	return out, nil
}

// ConfirmSubscriber confirms the subscriber whose link token this is, in
// one transaction: its state becomes confirmed, a recipient (uid = its id,
// with its address on its channel) is put, and the uid is added to the
// reminder's recipients (the reminder row is locked meanwhile, so
// concurrent confirmations all land). Confirming twice changes nothing. It
// fails with remind.ErrNotFound for an unknown token, an unsubscribed
// subscriber or a deleted reminder, and with remind.ErrConflict when the
// reminder has remind.MaxRecipients recipients already.
func (s *Store) ConfirmSubscriber(ctx context.Context, token string, at time.Time) (remind.Subscriber, error) {
	var out remind.Subscriber
	err := s.tx(ctx, func(tx pgx.Tx) error {
		sb, err := scanSub(tx.QueryRow(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = $1 FOR UPDATE`, token))
		if err != nil {
			return notFound(err, "subscriber")
		}
		if sb.State == remind.SubscriberUnsubscribed {
			return fmt.Errorf("postgres: %w", remind.NotFound("subscription"))
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
		if _, err := tx.Exec(ctx, `INSERT INTO recipients (`+subscriberRecipientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, $9, $10, $11)
			ON CONFLICT (tenant_id, uid) DO UPDATE SET name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE recipients.name END, email = excluded.email, wechat_openid = excluded.wechat_openid, webpush = excluded.webpush, muted = false, updated_ms = excluded.updated_ms`,
			rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, ms(at), ms(at), rc.WebPush); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE subscribers SET state = 'confirmed', updated_ms = $1 WHERE id = $2`, ms(at), sb.ID); err != nil {
			return err
		}
		out.State, out.UpdatedAt = remind.SubscriberConfirmed, at
		return bumpChanges(ctx, tx)
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
	var out remind.Subscriber
	err := s.tx(ctx, func(tx pgx.Tx) error {
		sb, err := scanSub(tx.QueryRow(ctx, `SELECT `+subCols+` FROM subscribers WHERE token = $1 FOR UPDATE`, token))
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
		if _, err := tx.Exec(ctx, `DELETE FROM recipients WHERE tenant_id = $1 AND uid = $2`, sb.TenantID, sb.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE subscribers SET state = 'unsubscribed', updated_ms = $1 WHERE id = $2`, ms(at), sb.ID); err != nil {
			return err
		}
		out.State, out.UpdatedAt = remind.SubscriberUnsubscribed, at
		return bumpChanges(ctx, tx)
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
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// CalendarFeedOf returns the recipient's calendar feed, made from f (its
// Token and CreatedAt) when the recipient has none.
func (s *Store) CalendarFeedOf(ctx context.Context, f store.CalendarFeed) (store.CalendarFeed, error) {
	out := store.CalendarFeed{TenantID: f.TenantID, UID: f.UID}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_feeds (token, tenant_id, uid, created_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, uid) DO NOTHING`, f.Token, f.TenantID, f.UID, ms(f.CreatedAt)); err != nil {
			return err
		}
		var created int64
		err := tx.QueryRow(ctx, `SELECT token, created_ms FROM calendar_feeds WHERE tenant_id = $1 AND uid = $2`, f.TenantID, f.UID).Scan(&out.Token, &created)
		out.CreatedAt = fromMS(created)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("postgres: calendar feed: %w", notFound(err, "calendar feed"))
	}
	return out, nil
}

// CalendarFeedByToken returns the feed with this token.
func (s *Store) CalendarFeedByToken(ctx context.Context, token string) (store.CalendarFeed, error) {
	f := store.CalendarFeed{Token: token}
	var created int64
	err := s.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&f.TenantID, &f.UID, &created)
	}, `SELECT tenant_id, uid, created_ms FROM calendar_feeds WHERE token = $1`, token)
	if err != nil {
		return f, notFound(err, "calendar feed")
	}
	f.CreatedAt = fromMS(created)
	return f, nil
}
