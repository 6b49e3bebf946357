package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

const recipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush, contacts, profile`

// subscriberRecipientCols are the columns a confirmed subscriber's
// recipient row is written with (no contacts).
const subscriberRecipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush`

func scanRecipient(row pgx.Row) (remind.Recipient, error) {
	var rc remind.Recipient
	var created, updated int64
	var contacts, profile string
	err := row.Scan(&rc.TenantID, &rc.UID, &rc.Name, &rc.Email, &rc.Phone, &rc.WeChatOpenID, &rc.WebhookURL, &rc.WebhookSecret, &rc.Muted, &created, &updated, &rc.WebPush, &contacts, &profile)
	rc.CreatedAt, rc.UpdatedAt = fromMS(created), fromMS(updated)
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
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		out, err = scanRecipient(row)
		return err
	}, `INSERT INTO recipients (`+recipientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false, $12, $13)
		ON CONFLICT (tenant_id, uid) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
		wechat_openid = excluded.wechat_openid, webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,
		muted = excluded.muted, updated_ms = excluded.updated_ms, contacts = excluded.contacts, profile = excluded.profile
		RETURNING `+recipientCols,
		rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, rc.Muted, ms(rc.CreatedAt), ms(rc.UpdatedAt), store.EncodeContacts(rc.Contacts), store.EncodeProfile(rc.Profile))
	if err != nil {
		return remind.Recipient{}, fmt.Errorf("postgres: put recipient: %w", err)
	}
	return out, nil
}

// ModifyRecipient changes one recipient in one transaction that holds its
// row (SELECT … FOR UPDATE), creating it when missing.
func (s *Store) ModifyRecipient(ctx context.Context, tenantID, uid string, at time.Time, fn func(rc *remind.Recipient) error) (remind.Recipient, error) {
	var out remind.Recipient
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// Make the row exist first, so that two callers creating it at
		// once both end up holding it in turn.
		if _, err := tx.Exec(ctx, `INSERT INTO recipients (tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms)
			VALUES ($1, $2, '', '', '', '', '', '', false, $3, $3) ON CONFLICT (tenant_id, uid) DO NOTHING`, tenantID, uid, ms(at)); err != nil {
			return err
		}
		rc, err := scanRecipient(tx.QueryRow(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = $1 AND uid = $2 FOR UPDATE`, tenantID, uid))
		if err != nil {
			return err
		}
		if err := fn(&rc); err != nil {
			return err
		}
		rc.TenantID, rc.UID, rc.UpdatedAt = tenantID, uid, at
		out, err = scanRecipient(tx.QueryRow(ctx, `UPDATE recipients SET name = $3, email = $4, phone = $5, wechat_openid = $6, webhook_url = $7,
			webhook_secret = $8, muted = $9, updated_ms = $10, contacts = $11, profile = $12 WHERE tenant_id = $1 AND uid = $2 RETURNING `+recipientCols,
			rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, rc.Muted, ms(rc.UpdatedAt),
			store.EncodeContacts(rc.Contacts), store.EncodeProfile(rc.Profile)))
		return err
	})
	if err != nil {
		return out, fmt.Errorf("postgres: modify recipient: %w", err)
	}
	return out, nil
}

// GetRecipient returns a recipient.
func (s *Store) GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error) {
	var rc remind.Recipient
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		rc, err = scanRecipient(row)
		return err
	}, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = $1 AND uid = $2`, tenantID, uid)
	if err != nil {
		return remind.Recipient{}, notFound(err, "recipient")
	}
	return rc, nil
}

// DeleteRecipient removes a recipient.
func (s *Store) DeleteRecipient(ctx context.Context, tenantID, uid string) error {
	tag, err := s.exec(ctx, `DELETE FROM recipients WHERE tenant_id = $1 AND uid = $2`, tenantID, uid)
	if err != nil {
		return fmt.Errorf("postgres: delete recipient: %w", err)
	}
	return mustAffect(tag, "recipient")
}
