package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/webhook/webhooktest"
)

// postGhost sends body to serve's Ghost route with the signature header
// sig, and returns the status and the answer's status field.
func postGhost(t *testing.T, s *served, body []byte, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/hooks/blog", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Ghost-Signature", sig)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var reply struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(b, &reply); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return resp.StatusCode, reply.Status
}

// The same signed bytes sent twice: a dry-run serve remembers no delivery
// and accepts both; a serve with --send refreshes once and answers the
// copy duplicate, and VOD receives one refresh.
func TestSameSignedBytesTwice(t *testing.T) {
	var sample struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal(testfix.Read(t, "..", "..", "events", "http-ghost.json"), &sample); err != nil {
		t.Fatal(err)
	}
	body := []byte(sample.Body)
	for _, tt := range []struct {
		name      string
		send      bool
		second    string
		refreshes int
	}{
		{"a dry run", false, "accepted", 0},
		{"--send", true, "duplicate", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			env := webhookCredEnv(t, srv.Endpoint())
			var args []string
			if tt.send {
				args = append(args, "--send")
			}
			s := startServe(t, env, args...)
			sig := webhooktest.SignGhost(env["BLOG_WEBHOOK_SECRET"], body, time.Now())
			if code, status := postGhost(t, s, body, sig); code != http.StatusAccepted || status != "accepted" {
				t.Fatalf("first: %d %s; want 202 accepted", code, status)
			}
			if code, status := postGhost(t, s, body, sig); code != http.StatusAccepted || status != tt.second {
				t.Fatalf("the same bytes again: %d %s; want 202 %s", code, status, tt.second)
			}
			if n := srv.Calls("RefreshVodObjectCaches"); n != tt.refreshes {
				t.Fatalf("%d refreshes reached VOD; want %d", n, tt.refreshes)
			}
			s.stop(t)
		})
	}
}
