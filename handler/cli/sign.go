package cli

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/webhook"
)

// The command line's one signer, for send-sample: it signs a request as
// each scheme's sender does, so that a route's verifier accepts it. Package
// webhook verifies and exports no signer, and webhooktest, which signs for
// webhook's tests, is for tests alone; so the schemes are written here,
// once, each from its sender's documentation, as webhook's verifiers read
// them.

// signers set the headers that authenticate a request under each scheme
// (webhook.Schemes), given the secret and the time of sending. Each first
// drops the headers it sets, whatever their case in the sample.
var signers = map[string]func(r *event.HTTPRequest, w *config.WebhookRoute, secret string, now time.Time) error{
	// X-Ghost-Signature: sha256=<hex HMAC of the body and the timestamp>, t=<ms>.
	"ghost": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, now time.Time) error {
		ts := millis(now)
		setHeader(r, "X-Ghost-Signature", "sha256="+hex.EncodeToString(mac([]byte(secret), r.Body, []byte(ts)))+", t="+ts)
		return nil
	},
	// X-WP-Webhook-Signature: base64 HMAC of the body.
	"wordpress": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, _ time.Time) error {
		setHeader(r, "X-WP-Webhook-Signature", base64.StdEncoding.EncodeToString(mac([]byte(secret), r.Body)))
		return nil
	},
	// sanity-webhook-signature: t=<ms>,v1=<unpadded base64url HMAC of t.body>.
	"sanity": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, now time.Time) error {
		ts := millis(now)
		setHeader(r, "sanity-webhook-signature", "t="+ts+",v1="+base64.RawURLEncoding.EncodeToString(mac([]byte(secret), []byte(ts+"."), r.Body)))
		return nil
	},
	// webhook-id, webhook-timestamp (s) and webhook-signature: v1,<base64
	// HMAC of id.timestamp.body>, under the key that whsec_<base64> holds.
	// The ID is new, so that a serve with --send does not take the
	// request for a delivery it has seen.
	"standard-webhooks": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, now time.Time) error {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		if err != nil || len(key) == 0 {
			return fmt.Errorf("a Standard Webhooks secret is whsec_ followed by base64")
		}
		id, ts := fmt.Sprintf("msg_local_%d", now.UnixNano()), strconv.FormatInt(now.Unix(), 10)
		setHeader(r, "webhook-id", id)
		setHeader(r, "webhook-timestamp", ts)
		setHeader(r, "webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac(key, []byte(id+"."+ts+"."), r.Body)))
		return nil
	},
	// A GitHub-style header: the route's header, prefix and encoding of the
	// HMAC of the body (default X-Hub-Signature-256: sha256=<hex>).
	"hmac-sha256": func(r *event.HTTPRequest, w *config.WebhookRoute, secret string, _ time.Time) error {
		header, prefix := w.HMAC.Header, ""
		if header == "" {
			header, prefix = "X-Hub-Signature-256", "sha256="
		}
		if w.HMAC.Prefix != nil {
			prefix = *w.HMAC.Prefix
		}
		sum := mac([]byte(secret), r.Body)
		sig := hex.EncodeToString(sum)
		if w.HMAC.Encoding == "base64" {
			sig = base64.StdEncoding.EncodeToString(sum)
		}
		setHeader(r, header, prefix+sig)
		return nil
	},
	// Authorization: Bearer <token>.
	"token": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, _ time.Time) error {
		setHeader(r, "Authorization", "Bearer "+secret)
		return nil
	},
	// x-contentful-signature: hex HMAC of "POST\n<path>[?<query>]\n
	// <name:value;...>\n<body>", over the timestamp (ms), the signed-headers
	// list and the topic, names sorted. The query is signed as Contentful's
	// signer writes it: encodeURI of querystring.escape of it, so each '%'
	// of the escaped query is escaped again ("env%253Dmaster").
	"contentful": func(r *event.HTTPRequest, _ *config.WebhookRoute, secret string, now time.Time) error {
		names := []string{"x-contentful-signed-headers", "x-contentful-timestamp"}
		values := map[string]string{"x-contentful-timestamp": millis(now)}
		if topic := header(r, "X-Contentful-Topic"); topic != "" {
			names = append(names, "x-contentful-topic")
			values["x-contentful-topic"] = topic
		}
		values["x-contentful-signed-headers"] = strings.Join(names, ",")
		pairs := make([]string, len(names))
		for i, n := range names {
			pairs[i] = n + ":" + values[n]
		}
		path := r.Path
		if q := encodeQuery(r.Query); q != "" {
			escaped := strings.NewReplacer("+", "%20", "%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(url.QueryEscape(q))
			path += "?" + strings.ReplaceAll(escaped, "%", "%25")
		}
		canonical := "POST\n" + path + "\n" + strings.Join(pairs, ";") + "\n"
		setHeader(r, "x-contentful-signature", hex.EncodeToString(mac([]byte(secret), []byte(canonical), r.Body)))
		setHeader(r, "x-contentful-signed-headers", values["x-contentful-signed-headers"])
		setHeader(r, "x-contentful-timestamp", values["x-contentful-timestamp"])
		return nil
	},
	// ApsaraVideo VOD: X-VOD-TIMESTAMP (s) and X-VOD-SIGNATURE, the hex MD5
	// of "<callback URL>|<timestamp>|<AuthKey>". The URL is the route's
	// callbackURL: without one the function reads it from the Host header,
	// which is the transport's here.
	"vod": func(r *event.HTTPRequest, w *config.WebhookRoute, secret string, now time.Time) error {
		if w.CallbackURL == "" {
			return fmt.Errorf("a VOD signature covers the callback URL, which the Host header of a local send does not give: set the route's callbackURL")
		}
		ts := strconv.FormatInt(now.Unix(), 10)
		sum := md5.Sum([]byte(w.CallbackURL + "|" + ts + "|" + secret))
		setHeader(r, "X-VOD-TIMESTAMP", ts)
		setHeader(r, "X-VOD-SIGNATURE", hex.EncodeToString(sum[:]))
		return nil
	},
	"none": func(*event.HTTPRequest, *config.WebhookRoute, string, time.Time) error { return nil },
}

// sign signs r for route w, at now, with the secret in the variable that
// w.SecretEnv names, under w's scheme (its auth, or its kind's own).
func sign(r *event.HTTPRequest, w *config.WebhookRoute, getenv func(string) string, now time.Time) error {
	scheme := w.Auth
	if scheme == "" {
		scheme = webhook.DefaultAuth(w.Kind)
	}
	signer, ok := signers[scheme]
	if !ok {
		return fmt.Errorf("send-sample cannot sign for auth %q", scheme)
	}
	secret := ""
	if scheme != "none" {
		if secret = getenv(w.SecretEnv); strings.TrimSpace(secret) == "" {
			return fmt.Errorf("its secret, %s, is not set in this environment (--secret-env names another variable)", w.SecretEnv)
		}
	}
	// Headers that the sender's transport sets are left to this one's.
	for _, h := range []string{"Host", "Content-Length"} {
		setHeader(r, h, "")
	}
	return signer(r, w, secret, now)
}

// mac returns HMAC-SHA256(key, parts...).
func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// millis is t as Unix milliseconds.
func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// setHeader sets r's header name to value, in place of any case variant of
// it; an empty value removes it.
func setHeader(r *event.HTTPRequest, name, value string) {
	headers := make(map[string]string, len(r.Headers)+1)
	for k, v := range r.Headers {
		if !strings.EqualFold(k, name) {
			headers[k] = v
		}
	}
	if value != "" {
		headers[name] = value
	}
	r.Headers = headers
}

// header returns r's header name, in any case.
func header(r *event.HTTPRequest, name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
