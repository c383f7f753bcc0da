package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// webhook is a JSON POST of the notice, signed the Standard Webhooks way:
// webhook-id, webhook-timestamp (seconds) and webhook-signature,
// "v1," and the base64 HMAC-SHA256 of "id.timestamp.body" under the
// secret (a whsec_ key is base64, decoded first).
func (s *Sink) webhook(ctx context.Context, n Notice) (*http.Request, error) {
	body, _ := json.Marshal(n)
	key := []byte(s.secret)
	if k, ok := strings.CutPrefix(s.secret, "whsec_"); ok {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil {
			return nil, fmt.Errorf("webhook: the secret is a whsec_ key that is not base64")
		}
		key = b
	}
	var raw [12]byte
	rand.Read(raw[:])
	id := "msg_" + hex.EncodeToString(raw[:])
	ts := strconv.FormatInt(s.now().Unix(), 10)
	sig := "v1," + base64.StdEncoding.EncodeToString(hmacSHA256(key, []byte(id+"."+ts+"."+string(body))))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhook: the URL cannot be used")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", sig)
	return req, nil
}

// dingtalk is a DingTalk custom robot's markdown message, signed: the URL
// takes timestamp (milliseconds) and sign, the URL-encoded base64
// HMAC-SHA256 of "timestamp\nsecret" under the secret.
func (s *Sink) dingtalk(ctx context.Context, n Notice) (*http.Request, error) {
	ts := strconv.FormatInt(s.now().UnixMilli(), 10)
	sign := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(s.secret), []byte(ts+"\n"+s.secret)))
	u, err := url.Parse(s.url)
	if err != nil {
		return nil, fmt.Errorf("dingtalk: the URL cannot be used")
	}
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", sign)
	u.RawQuery = q.Encode()
	body, _ := json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": n.Title, "text": "### " + n.Title + "\n\n" + n.Text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("dingtalk: the URL cannot be used")
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// feishu is a Feishu (Lark) custom bot's text message, signed: the body
// carries timestamp (seconds) and sign, the base64 HMAC-SHA256 of an empty
// message under the key "timestamp\nsecret".
func (s *Sink) feishu(ctx context.Context, n Notice) (*http.Request, error) {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	sign := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(ts+"\n"+s.secret), nil))
	body, _ := json.Marshal(map[string]any{"timestamp": ts, "sign": sign, "msg_type": "text",
		"content": map[string]string{"text": n.Title + "\n" + n.Text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("feishu: the URL cannot be used")
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// accepted reads a sink's answer: a 2xx, and for the robots an error code
// of 0 in the body.
func (s *Sink) accepted(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: answered %d", s.cfg.Kind, resp.StatusCode)
	}
	var r struct {
		ErrCode *int   `json:"errcode"` // DingTalk
		Code    *int   `json:"code"`    // Feishu
		Msg     string `json:"msg"`
		ErrMsg  string `json:"errmsg"`
	}
	switch s.cfg.Kind {
	case "dingtalk":
		if json.Unmarshal(b, &r) != nil || r.ErrCode == nil || *r.ErrCode != 0 {
			return fmt.Errorf("dingtalk: refused the message (%s)", clip(string(b)))
		}
	case "feishu":
		if json.Unmarshal(b, &r) != nil || r.Code == nil || *r.Code != 0 {
			return fmt.Errorf("feishu: refused the message (%s)", clip(string(b)))
		}
	}
	return nil
}

// clip bounds what an answer's body adds to an error.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}
