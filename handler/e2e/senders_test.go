package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/webhook/webhooktest"
)

// sendersConfig serves a Ghost route and a Strapi route with the default
// body limit.
const sendersConfig = `
domains: [https://www.example.com]
webhooks:
  - path: /hooks/blog
    kind: ghost
    secretEnv: GHOST_SECRET
  - path: /hooks/cms
    kind: strapi
    secretEnv: STRAPI_TOKEN
    urls: ["https://www.example.com/{model}/{slug}/"]
`

const (
	ghostSecret = "e2e-ghost-secret-0001"
	strapiToken = "e2e-strapi-token-0001-long-enough"
)

// jsonString is s as JSON writes it, unescaped HTML as Node's
// JSON.stringify writes it.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSpace(b.String())
}

// ghostEdit is a Ghost post.edited body of about size bytes: the post's
// html and plaintext, now and before the edit.
func ghostEdit(t testing.TB, size int) []byte {
	body := string(testfix.Read(t, "testdata", "senders", "ghost-post-edited.json"))
	para := `<p>At the ridge the wind turned, and the survey team logged the readings by hand, station by station.</p>`
	html := strings.Repeat(para, size*43/100/len(para))
	text := strings.Repeat("At the ridge the wind turned, and the survey team logged the readings by hand, station by station.\n", size*7/100/100)
	r := strings.NewReplacer(`"HTML"`, jsonString(html), `"PREVIOUS_HTML"`, jsonString(html+para), `"PLAINTEXT"`, jsonString(text), `"PREVIOUS_PLAINTEXT"`, jsonString(text+"x"))
	return []byte(r.Replace(body))
}

// strapiPublish is a Strapi entry.publish of a category deep-populated
// with its n articles.
func strapiPublish(t *testing.T, n int) []byte {
	article := string(testfix.Read(t, "testdata", "senders", "strapi-article.json"))
	content := strings.Repeat("The survey team logged the readings by hand, station by station. ", 75)
	var list []string
	for i := range n {
		a := strings.NewReplacer(`"id":0`, fmt.Sprintf(`"id":%d`, 100+i), "DOCUMENT", fmt.Sprintf("doc%021d", i), "SLUG", fmt.Sprintf("report-%03d", i), `"CONTENT"`, jsonString(content)).Replace(article)
		list = append(list, strings.TrimSpace(a))
	}
	body := string(testfix.Read(t, "testdata", "senders", "strapi-entry-publish.json"))
	return []byte(strings.Replace(body, `"ARTICLES"`, "["+strings.Join(list, ",")+"]", 1))
}

// senderEvent is the FC HTTP trigger event of a POST to path.
func senderEvent(path string, headers map[string]string, body []byte) []byte {
	ev := map[string]any{
		"version": "v1", "rawPath": path, "headers": headers, "queryParameters": map[string]string{},
		"body": string(body), "isBase64Encoded": false,
		"requestContext": map[string]any{"requestId": "s1", "http": map[string]string{"method": "POST", "path": path}},
	}
	b, _ := json.Marshal(ev)
	return b
}

// Bodies as big as the senders send, and the events a route does not
// plan, through the compiled binary: each is accepted (2xx), the large
// ones refreshed, the others answered "ignored" with the reason.
func TestSendersBodies(t *testing.T) {
	r := newRigEnv(t, sendersConfig, nil, map[string]string{"GHOST_SECRET": ghostSecret, "STRAPI_TOKEN": strapiToken})
	now := time.Now()
	ghost := func(body []byte) map[string]string {
		return map[string]string{"X-Ghost-Signature": webhooktest.SignGhost(ghostSecret, body, now), "Content-Type": "application/json"}
	}
	strapi := map[string]string{"Authorization": "Bearer " + strapiToken, "Content-Type": "application/json", "X-Strapi-Event": "entry.publish"}
	edit, publish := ghostEdit(t, 1_400_000), strapiPublish(t, 231)
	trigger := []byte(`{"event":"trigger-test","createdAt":"2026-11-24T03:00:00.000Z"}`)
	for _, tt := range []struct {
		name, path string
		headers    map[string]string
		body       []byte
		size       int // at least, in bytes
		status     string
		refreshed  string
	}{
		{"a 1.4 MB Ghost edit", "/hooks/blog", ghost(edit), edit, 1_350_000, "accepted", "https://www.example.com/a-long-field-report/"},
		{"a 1.2 MB Strapi publish", "/hooks/cms", strapi, publish, 1_150_000, "accepted", "https://www.example.com/category/field-notes/"},
		{"Ghost's site.changed", "/hooks/blog", ghost([]byte(`{}`)), []byte(`{}`), 2, "ignored", ""},
		{"Strapi's trigger test", "/hooks/cms", map[string]string{"Authorization": "Bearer " + strapiToken, "X-Strapi-Event": "trigger-test"}, trigger, 10, "ignored", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) < tt.size || len(tt.body) > max(tt.size*12/10, 100) {
				t.Fatalf("the body is %d bytes, want about %d", len(tt.body), tt.size)
			}
			before := len(r.refreshes())
			o := r.invoke(t, senderEvent(tt.path, tt.headers, tt.body), fcemu.Invocation{})
			var resp struct {
				StatusCode int    `json:"statusCode"`
				Body       string `json:"body"`
			}
			if o.Error != nil || json.Unmarshal(o.Response, &resp) != nil {
				t.Fatalf("answer %s, error %+v", o.Response, o.Error)
			}
			if resp.StatusCode != 202 || !strings.Contains(resp.Body, `"status":"`+tt.status+`"`) {
				t.Fatalf("answered %d %s, want 202 %s", resp.StatusCode, resp.Body, tt.status)
			}
			got := r.refreshes()[before:]
			if tt.refreshed == "" && len(got) != 0 || tt.refreshed != "" && (len(got) != 1 || got[0].Paths[0] != tt.refreshed) {
				t.Errorf("VOD was sent %+v, want %q", got, tt.refreshed)
			}
		})
	}
}
