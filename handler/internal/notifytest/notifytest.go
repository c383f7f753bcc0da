// Package notifytest is a loopback receiver of notices for tests, which
// verifies each as its service does: the Standard Webhooks signature (with
// the project's own verifier), a DingTalk robot's signed URL, a Feishu
// bot's signed body, each timestamp within an hour of now.
package notifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/webhook"
)

// Receiver is a loopback sink of one kind: webhook, dingtalk or feishu.
type Receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	took    []string // the notices' titles
	refused int      // refused for their signature
}

// URL is the receiver's URL, as a robot's carries its access token.
func (r *Receiver) URL() string { return r.srv.URL + "/hook?access_token=tok" }

// Took returns the titles of the notices taken.
func (r *Receiver) Took() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.took...)
}

// Refused returns how many notices were refused for their signature.
func (r *Receiver) Refused() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

func (r *Receiver) record(ok bool, title string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ok {
		r.took = append(r.took, title)
	} else {
		r.refused++
	}
}

func mac(key, msg []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func withinAnHour(ts int64, unit time.Duration) bool {
	d := time.Since(time.Unix(0, ts*int64(unit)))
	return d < time.Hour && d > -time.Hour
}

// NewReceiver starts a receiver of kind that verifies with secret; it
// stops when the test ends.
func NewReceiver(t testing.TB, kind, secret string) *Receiver {
	r := &Receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		switch kind {
		case "webhook":
			v, err := webhook.NewStandardVerifier([]string{secret}, 5*time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			h := map[string]string{}
			for k := range req.Header {
				h[k] = req.Header.Get(k)
			}
			_, err = v.Verify(webhook.NewRequest("POST", req.URL.Path, "", nil, h, body), time.Now())
			var n struct{ Title string }
			json.Unmarshal(body, &n)
			r.record(err == nil, n.Title)
			if err != nil {
				w.WriteHeader(http.StatusUnauthorized)
			}
		case "dingtalk":
			ts := req.URL.Query().Get("timestamp")
			ms, _ := strconv.ParseInt(ts, 10, 64)
			var m struct {
				Markdown struct{ Title string } `json:"markdown"`
			}
			json.Unmarshal(body, &m)
			ok := withinAnHour(ms, time.Millisecond) && hmac.Equal([]byte(req.URL.Query().Get("sign")), []byte(mac([]byte(secret), []byte(ts+"\n"+secret)))) &&
				req.URL.Query().Get("access_token") == "tok"
			r.record(ok, m.Markdown.Title)
			if !ok {
				w.Write([]byte(`{"errcode":310000,"errmsg":"sign not match"}`))
				return
			}
			w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
		case "feishu":
			var m struct {
				Timestamp, Sign string
				Content         struct{ Text string } `json:"content"`
			}
			json.Unmarshal(body, &m)
			sec, _ := strconv.ParseInt(m.Timestamp, 10, 64)
			ok := withinAnHour(sec, time.Second) && hmac.Equal([]byte(m.Sign), []byte(mac([]byte(m.Timestamp+"\n"+secret), nil)))
			title, _, _ := strings.Cut(m.Content.Text, "\n")
			r.record(ok, title)
			if !ok {
				w.Write([]byte(`{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`))
				return
			}
			w.Write([]byte(`{"code":0,"msg":"success"}`))
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}
