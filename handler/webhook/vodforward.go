package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// PassOn passes a verified VOD callback on to the route's forward URL, as
// VOD would have sent it there: the body unchanged, signed for the forward
// URL with the route's current key and the callback's own timestamp
// (X-VOD-SIGNATURE = MD5 of forwardURL|X-VOD-TIMESTAMP|key). Like VOD, it
// counts only a 200 as delivered. c bounds the time it takes, with ctx.
func (r *Route) PassOn(ctx context.Context, c *http.Client, req *Request) error {
	v, ok := r.Verifier.(*vodVerifier)
	if !ok || r.WebhookRoute.Forward == "" {
		return errors.New("forward needs a vod route with a forward URL and its key")
	}
	ts := req.Header.Get(VODTimestampHeader)
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, r.WebhookRoute.Forward, bytes.NewReader(req.Body))
	if err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	ct := req.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	out.Header.Set("Content-Type", ct)
	for k, val := range v.sign(r.WebhookRoute.Forward, ts) {
		out.Header[k] = []string{val} // as VOD spells them
	}
	resp, err := c.Do(out)
	if err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("forward to %s: answered %d, not 200", r.WebhookRoute.Forward, resp.StatusCode)
	}
	return nil
}
