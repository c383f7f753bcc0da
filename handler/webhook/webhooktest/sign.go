// Package webhooktest signs requests as the senders that webhook verifies
// sign them, for tests, as net/http/httptest serves requests for tests of
// net/http. Each signer follows its sender's documentation and is written
// apart from webhook's verifiers, so that a test of one checks the other.
//
// Nothing but tests imports it.
package webhooktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"vodrefresh/handler/webhook"
)

// mac returns HMAC-SHA256(key, message).
func mac(key []byte, message string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(message))
	return m.Sum(nil)
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// SignGhost returns the X-Ghost-Signature value Ghost sends for body at t:
// "sha256=<hex HMAC of the body followed by the timestamp>, t=<ms>".
func SignGhost(secret string, body []byte, t time.Time) string {
	ts := millis(t)
	return "sha256=" + hex.EncodeToString(mac([]byte(secret), string(body)+ts)) + ", t=" + ts
}

// SignWordPress returns the X-WP-Webhook-Signature value WP Webhooks sends
// for body: the base64 HMAC of the body.
func SignWordPress(secret string, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac([]byte(secret), string(body)))
}

// SignSanity returns the sanity-webhook-signature value Sanity sends for
// body at t: "t=<ms>,v1=<unpadded base64url HMAC of t.body>".
func SignSanity(secret string, body []byte, t time.Time) string {
	ts := millis(t)
	return "t=" + ts + ",v1=" + base64.RawURLEncoding.EncodeToString(mac([]byte(secret), ts+"."+string(body)))
}

// SignHMAC returns the header value a GitHub-style sender sends for body:
// prefix and the HMAC of the body, in hex or, with encoding "base64", in
// base64.
func SignHMAC(secret string, body []byte, prefix, encoding string) string {
	sum := mac([]byte(secret), string(body))
	if encoding == "base64" {
		return prefix + base64.StdEncoding.EncodeToString(sum)
	}
	return prefix + hex.EncodeToString(sum)
}

// SignStandard returns the webhook-signature value a Standard Webhooks
// sender sends for message id with body at t: "v1,<base64 HMAC of
// id.seconds.body>" under the key that the secret "whsec_<base64>" holds.
func SignStandard(secret, id string, body []byte, t time.Time) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return "", errors.New("a Standard Webhooks secret is whsec_ followed by base64")
	}
	msg := id + "." + strconv.FormatInt(t.Unix(), 10) + "." + string(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, msg)), nil
}

// SignContentful returns the x-contentful-* headers that sign r at t, as
// Contentful's signer (node-apps-toolkit's signRequest) does for a webhook
// URL whose path is r.Path and whose query is r.RawQuery. By default
// Contentful signs only x-contentful-signed-headers and
// x-contentful-timestamp; extra names further headers of r to sign (e.g.
// "x-contentful-topic"), as a signer given them does. The signer signs
// "METHOD\nPATH\nname:value;...\nBODY", with the names lower-cased and
// sorted, and PATH = encodeURI(path + "?" + querystring.escape(query)) when
// there is a query (src/requests/utils.ts getNormalizedEncodedURI): every
// '%' of the escaped query is escaped again.
func SignContentful(secret string, r *webhook.Request, t time.Time, extra ...string) map[string]string {
	values := map[string]string{"x-contentful-timestamp": millis(t)}
	names := []string{"x-contentful-signed-headers", "x-contentful-timestamp"}
	for _, n := range extra {
		n = strings.ToLower(n)
		names = append(names, n)
		values[n] = r.Header.Get(n)
	}
	sort.Strings(names)
	values["x-contentful-signed-headers"] = strings.Join(names, ",")
	pairs := make([]string, len(names))
	for i, n := range names {
		pairs[i] = n + ":" + values[n]
	}
	path := r.Path
	if r.RawQuery != "" {
		path += "?" + strings.ReplaceAll(encodeURIComponent(r.RawQuery), "%", "%25")
	}
	canonical := strings.ToUpper(r.Method) + "\n" + path + "\n" + strings.Join(pairs, ";") + "\n" + string(r.Body)
	return map[string]string{
		"x-contentful-signature":      hex.EncodeToString(mac([]byte(secret), canonical)),
		"x-contentful-signed-headers": values["x-contentful-signed-headers"],
		"x-contentful-timestamp":      values["x-contentful-timestamp"],
	}
}

// encodeURIComponent escapes s as JavaScript's encodeURIComponent (and
// Node's querystring.escape) does, which leaves ! ' ( ) * unescaped and
// writes a space as %20.
func encodeURIComponent(s string) string {
	return strings.NewReplacer("+", "%20", "%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(url.QueryEscape(s))
}
