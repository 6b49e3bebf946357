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

const recipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush, contacts, profile`

// subscriberRecipientCols are the columns a confirmed subscriber's
// recipient row is written with (no contacts).
const subscriberRecipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush`

func scanRecipient(row interface{ Scan(...any) error }) (remind.Recipient, error) {
	var rc remind.Recipient
	var muted, webpush int
	var created, updated int64
	var contacts, profile string
	err := row.Scan(&rc.TenantID, &rc.UID, &rc.Name, &rc.Email, &rc.Phone, &rc.WeChatOpenID, &rc.WebhookURL, &rc.WebhookSecret, &muted, &created, &updated, &webpush, &contacts, &profile)
	rc.Muted, rc.CreatedAt, rc.UpdatedAt, rc.WebPush = muted != 0, fromMS(created), fromMS(updated), webpush != 0
	if err == nil {
		rc.Contacts, err = store.DecodeContacts(contacts)
	}
	if err == nil {
		rc.Profile, err = store.DecodeProfile(profile)
	}
	return rc, err
}

// PutRecipient creates or replaces a recipient; CreatedAt of an existing one
// is kept, and so is WebPush (the subscription's; see ConfirmSubscriber).
func (s *Store) PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error) {
	var out remind.Recipient
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = putRecipient(ctx, tx, rc)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("sqlite: put recipient: %w", err)
	}
	return out, nil
}

// putRecipient writes rc (PutRecipient's upsert) in tx and reads it back.
func putRecipient(ctx context.Context, tx *sql.Tx, rc remind.Recipient) (remind.Recipient, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO recipients (`+recipientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
		ON CONFLICT (tenant_id, uid) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
		wechat_openid = excluded.wechat_openid, webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,
		muted = excluded.muted, updated_ms = excluded.updated_ms, contacts = excluded.contacts, profile = excluded.profile`,
		rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, boolInt(rc.Muted), ms(rc.CreatedAt), ms(rc.UpdatedAt),
		store.EncodeContacts(rc.Contacts), store.EncodeProfile(rc.Profile)); err != nil {
		return remind.Recipient{}, err
	}
	return scanRecipient(tx.QueryRowContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid = ?`, rc.TenantID, rc.UID))
}

// ModifyRecipient changes one recipient in one transaction (SQLite's one
// writer orders it with every other write), creating it when missing.
func (s *Store) ModifyRecipient(ctx context.Context, tenantID, uid string, at time.Time, fn func(rc *remind.Recipient) error) (remind.Recipient, error) {
	var out remind.Recipient
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rc, err := scanRecipient(tx.QueryRowContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid = ?`, tenantID, uid))
		if errors.Is(err, sql.ErrNoRows) {
			rc, err = remind.Recipient{TenantID: tenantID, UID: uid, CreatedAt: at}, nil
		}
		if err != nil {
			return err
		}
		if err := fn(&rc); err != nil {
			return err
		}
		rc.TenantID, rc.UID, rc.UpdatedAt = tenantID, uid, at
		out, err = putRecipient(ctx, tx, rc)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("sqlite: modify recipient: %w", err)
	}
	return out, nil
}

// GetRecipient returns a recipient.
func (s *Store) GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error) {
	rc, err := scanRecipient(s.r.QueryRowContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid = ?`, tenantID, uid))
	if err != nil {
		return rc, notFound(err, "recipient")
	}
	return rc, nil
}

// DeleteRecipient removes a recipient.
func (s *Store) DeleteRecipient(ctx context.Context, tenantID, uid string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM recipients WHERE tenant_id = ? AND uid = ?`, tenantID, uid)
	if err != nil {
		return fmt.Errorf("sqlite: delete recipient: %w", err)
	}
	return mustAffect(res, "recipient")
}
