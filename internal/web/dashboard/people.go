package dashboard

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// ---- webhooks

type webhookRow struct {
	ID, URL, Created string
	Disabled         bool
}

type webhooksPage struct {
	base
	Hooks   []webhookRow
	URL     string // the add form's value
	Error   string // about the URL
	Created *webhookRow
	Secret  string // of Created, shown this once
}

func (d *Dashboard) webhooksPage(w http.ResponseWriter, r *http.Request, s session, code int, p webhooksPage) error {
	list, err := d.svc.ListWebhooks(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	p.base = base{PageTitle: "Webhooks", Nav: "webhooks", Session: &s}
	for _, wh := range list {
		p.Hooks = append(p.Hooks, webhookRow{ID: wh.ID, URL: wh.URL, Created: d.in(&wh.CreatedAt, s.Tenant.TZ), Disabled: wh.Disabled})
	}
	d.render(w, code, "webhooks.html", p)
	return nil
}

func (d *Dashboard) webhooks(w http.ResponseWriter, r *http.Request, s session) error {
	return d.webhooksPage(w, r, s, http.StatusOK, webhooksPage{})
}

// createWebhook adds an endpoint and shows its signing secret, this once
// (the page is not cached: Cache-Control no-store).
func (d *Dashboard) createWebhook(w http.ResponseWriter, r *http.Request, s session) error {
	u := strings.TrimSpace(r.PostForm.Get("url"))
	wh, err := d.svc.CreateWebhook(r.Context(), s.Tenant, u)
	if remind.CodeOf(err) == remind.CodeInvalid {
		return d.webhooksPage(w, r, s, http.StatusBadRequest, webhooksPage{URL: u, Error: strings.TrimPrefix(err.Error(), "url: ")})
	}
	if err != nil {
		return err
	}
	return d.webhooksPage(w, r, s, http.StatusCreated, webhooksPage{Created: &webhookRow{ID: wh.ID, URL: wh.URL}, Secret: wh.Secret})
}

func (d *Dashboard) deleteWebhook(w http.ResponseWriter, r *http.Request, s session) error {
	if err := d.svc.DeleteWebhook(r.Context(), s.Tenant, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/webhooks", http.StatusSeeOther)
	return nil
}

// ---- recipients (looked up by uid: the store lists none)

type recipientForm struct {
	UID, Name, Email, Phone, WeChatOpenID, WebhookURL string
	Muted                                             bool
}

type recipientsPage struct {
	base
	UID     string // looked up
	Delete  string // the delete form's action
	Found   bool
	Form    recipientForm
	Errors  map[string]string
	Secret  string // webhook signing secret, shown after a save
	Saved   bool
	Deleted string
	Feed    template.URL // the recipient's calendar feed, webcal:// (made here, so trusted)
}

func (d *Dashboard) recipients(w http.ResponseWriter, r *http.Request, s session) error {
	p := recipientsPage{base: base{PageTitle: "Recipients", Nav: "recipients", Session: &s}, UID: strings.TrimSpace(r.URL.Query().Get("uid")),
		Deleted: r.URL.Query().Get("deleted")}
	if p.UID != "" {
		if err := remind.CheckUID("uid", p.UID); err != nil {
			return err
		}
		rc, err := d.svc.GetRecipient(r.Context(), s.Tenant, p.UID)
		switch {
		case err == nil:
			p.Found = true
			p.Form = recipientForm{UID: rc.UID, Name: rc.Name, Email: rc.Email, Phone: rc.Phone, WeChatOpenID: rc.WeChatOpenID, WebhookURL: rc.WebhookURL, Muted: rc.Muted}
			if d.cfg.Feeds != nil {
				u, err := d.cfg.Feeds.FeedURL(r.Context(), s.Tenant.ID, rc.UID) // made once, then the same
				if err != nil {
					return err
				}
				p.Feed = template.URL("webcal://" + strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"))
			}
		case errors.Is(err, remind.ErrNotFound):
			p.Form.UID = p.UID
		default:
			return err
		}
	}
	p.Delete = deletePath(p.UID)
	d.render(w, http.StatusOK, "recipients.html", p)
	return nil
}

func deletePath(uid string) string { return "/dashboard/recipients/" + url.PathEscape(uid) + "/delete" }

func (d *Dashboard) putRecipient(w http.ResponseWriter, r *http.Request, s session) error {
	f := r.PostForm
	form := recipientForm{UID: strings.TrimSpace(f.Get("uid")), Name: strings.TrimSpace(f.Get("name")), Email: strings.TrimSpace(f.Get("email")),
		Phone: strings.TrimSpace(f.Get("phone")), WeChatOpenID: strings.TrimSpace(f.Get("wechat_openid")),
		WebhookURL: strings.TrimSpace(f.Get("webhook_url")), Muted: f.Get("muted") != ""}
	p := recipientsPage{base: base{PageTitle: "Recipients", Nav: "recipients", Session: &s}, UID: form.UID, Form: form}
	rc, err := d.svc.PutRecipient(r.Context(), s.Tenant, form.UID, service.RecipientInput{Name: form.Name, Email: form.Email, Phone: form.Phone,
		WeChatOpenID: form.WeChatOpenID, WebhookURL: form.WebhookURL, Muted: form.Muted})
	var e *remind.Error
	if errors.As(err, &e) && e.Code == remind.CodeInvalid {
		p.Errors = map[string]string{e.Field: e.Message}
		d.render(w, http.StatusBadRequest, "recipients.html", p)
		return nil
	}
	if err != nil {
		return err
	}
	p.Found, p.Saved, p.Secret, p.Delete = true, true, rc.WebhookSecret, deletePath(rc.UID)
	d.render(w, http.StatusOK, "recipients.html", p)
	return nil
}

func (d *Dashboard) deleteRecipient(w http.ResponseWriter, r *http.Request, s session) error {
	uid := r.PathValue("uid")
	if err := d.svc.DeleteRecipient(r.Context(), s.Tenant, uid); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/recipients?deleted="+url.QueryEscape(uid), http.StatusSeeOther)
	return nil
}
