// Package forward passes a verified callback on to another receiver over
// HTTP, as its sender would have sent it there: the body unchanged, with
// the headers that sign it for the new URL. Like ApsaraVideo VOD, it
// counts only a 200 as delivered. It follows no redirect: a signature is
// for the forward URL alone.
//
// It imports nothing of vodrefresh.
package forward

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Timeout bounds one forward.
const Timeout = 3 * time.Second

// client passes callbacks on; it follows no redirect.
var client = &http.Client{
	Timeout:       Timeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// PassOn POSTs body to url with contentType (application/json when "")
// and the given headers, spelled as given, within ctx and Timeout. Any
// answer but 200 is an error that names the URL as it was configured.
func PassOn(ctx context.Context, url string, body []byte, contentType string, headers map[string]string) error {
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	if contentType == "" {
		contentType = "application/json"
	}
	out.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		out.Header[k] = []string{v} // as the sender spells them
	}
	resp, err := client.Do(out)
	if err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("forward to %s: answered %d, not 200", url, resp.StatusCode)
	}
	return nil
}
