// Package forward passes a verified callback on to another receiver over
// HTTP, as its sender would have sent it there: the body unchanged, with
// the headers that sign it for the new URL. Like ApsaraVideo VOD, it
// counts only a 200 as delivered. It follows no redirect: a signature is
// for the forward URL alone.
//
// It imports internal/reach, and nothing else of vodrefresh.
package forward

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"time"

	"vodrefresh/handler/internal/reach"
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
// answer but 200 is an error, which names no part of the URL: it may
// carry credentials in its userinfo or query.
func PassOn(ctx context.Context, url string, body []byte, contentType string, headers map[string]string) error {
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return errors.New("forward: the forward URL cannot be used")
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
		// The client's errors quote the URL whole, userinfo and query
		// included: say what happened without it.
		return errors.New("forward: " + reach.Why(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("forward: answered %d, not 200", resp.StatusCode)
	}
	return nil
}

// Masked returns url with its userinfo and query masked, for logs.
func Masked(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(a forward URL that cannot be read)"
	}
	if u.User != nil {
		u.User = neturl.User("***")
	}
	if u.RawQuery != "" {
		u.RawQuery = "***"
	}
	u.Fragment = ""
	return u.String()
}
