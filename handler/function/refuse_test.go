package function

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// rawHTTPEvent is an FC3 HTTP trigger event whose body is a JSON string
// holding body's bytes as they are, those that are not UTF-8 included (as
// json.Marshal would not), or their base64.
func rawHTTPEvent(path string, query, headers map[string]string, body []byte, b64 bool) []byte {
	var q bytes.Buffer
	if b64 {
		q.WriteString(`"` + base64.StdEncoding.EncodeToString(body) + `"`)
	} else {
		q.WriteByte('"')
		for _, c := range body {
			switch {
			case c == '"' || c == '\\':
				q.WriteByte('\\')
				q.WriteByte(c)
			case c < 0x20:
				fmt.Fprintf(&q, `\u%04x`, c)
			default:
				q.WriteByte(c)
			}
		}
		q.WriteByte('"')
	}
	ev := map[string]any{
		"version": "v1", "rawPath": path, "headers": headers, "queryParameters": query, "isBase64Encoded": b64,
		"body":           json.RawMessage(`"BODY"`),
		"requestContext": map[string]any{"requestId": "r1", "http": map[string]string{"method": "POST", "path": path}},
	}
	b, _ := json.Marshal(ev)
	return bytes.Replace(b, []byte(`"BODY"`), q.Bytes(), 1)
}

// internals are what an answer to a sender must never name: Go's types
// and packages, the decoder's own words, the settings.
var internals = []string{"json:", "Go value", "Go struct", "*event.", "event.", "refresh.", "vodrefresh", "queryBytes", "batch.", "unmarshal", "[]byte", "string"}

// refuseEnv holds the secrets of testdata/refuse.yaml.
var refuseEnv = func() map[string]string {
	env := map[string]string{"GENERIC_SECRET": hookEnv["GENERIC_SECRET"]}
	for k, v := range cmsEnv {
		env[k] = v
	}
	return env
}()

// Each sender's payload that names a path longer than one call carries is
// answered 422, and one whose body is not UTF-8 is answered 400 once its
// signature verified on the bytes as sent (not 401, as it would be had the
// bytes been replaced by U+FFFD first); neither is a status a sender
// retries, the answer names nothing internal, and VOD receives nothing.
func TestRefusedWebhooks(t *testing.T) {
	cfgDoc := string(testfix.Read(t, "testdata", "refuse.yaml"))
	senders := []struct {
		kind, route string
		sign        func(route string, body []byte) map[string]string
	}{
		{"ghost", "/hooks/ghost-blog", ghostSigned},
		{"wordpress", "/hooks/wp-signed", wpSigned},
		{"strapi", "/hooks/strapi", strapiBearer},
		{"contentful", "/hooks/contentful?env=master", contentfulSigned("ContentManagement.Entry.publish")},
		{"sanity", "/hooks/sanity", sanitySigned},
		{"generic", "/hooks/generic", nil},
	}
	for _, s := range senders {
		for _, tt := range []struct {
			fixture string
			b64     bool
			status  int
			error   string
		}{
			{s.kind + "-long.json", false, 422, "longer than one refresh call can carry"},
			{s.kind + "-not-utf8.json", false, 400, "not valid UTF-8"},
			{s.kind + "-not-utf8.json", true, 400, "not valid UTF-8"},
		} {
			t.Run(fmt.Sprintf("%s/b64=%v", tt.fixture, tt.b64), func(t *testing.T) {
				h, srv := samplesHandler(t, cfgDoc, refuseEnv)
				h.opts.Now = func() time.Time { return cmsNow.Add(time.Second) }
				body := testfix.Read(t, "testdata", "refuse", tt.fixture)
				path, query := splitQuery(s.route)
				var headers map[string]string
				if s.sign != nil {
					headers = s.sign(s.route, body)
				} else {
					headers = signedGeneric(t, "msg_refuse", string(body), cmsNow)
				}
				resp := answerHTTP(t, h, rawHTTPEvent(path, query, headers, body, tt.b64))
				var reply WebhookReply
				if err := json.Unmarshal([]byte(resp.Body), &reply); err != nil {
					t.Fatalf("body %q: %v", resp.Body, err)
				}
				if resp.StatusCode != tt.status || reply.Status != "error" || !strings.Contains(reply.Error, tt.error) {
					t.Fatalf("%d %+v; want %d with %q", resp.StatusCode, reply, tt.status, tt.error)
				}
				for _, w := range internals {
					if strings.Contains(resp.Body, w) {
						t.Errorf("the answer names %q: %s", w, resp.Body)
					}
				}
				if len(resp.Body) > 4096 {
					t.Errorf("the answer is %d bytes", len(resp.Body))
				}
				if n := len(srv.Requests()); n != 0 {
					t.Errorf("VOD received %d requests", n)
				}
			})
		}
	}
}

// Each record or message refused for good while decoding (a key too long
// or not UTF-8, a message body too long or not UTF-8, a destination record
// nested 2 or 3 deep) is reported as skipped, with its reason; the others
// are refreshed; the invocation does not fail, so that neither FC nor the
// queue retries it; and the result names no Go type and holds no long key.
func TestRefusedRecords(t *testing.T) {
	ok := []string{"https://img.example.com/images/covers/ok.jpg"}
	for _, tt := range []struct {
		file string
		sent []string
		why  string
	}{
		{"oss-key-too-long.json", ok, "refused for good: the object key is 1024 bytes, longer than the 1023 allowed"},
		{"oss-key-not-utf8.json", ok, "refused for good: the object key is not valid UTF-8"},
		{"oss-key-surrogate.json", ok, "refused for good: the object key is not valid UTF-8"},
		{"eventbridge-key-too-long.json", ok, "refused for good: the object key is 1024 bytes"},
		{"mns-key-too-long.json", ok, "refused for good: the object key is 1024 bytes"},
		{"mns-body-not-utf8.json", ok, "refused for good: the message body is"},
		{"mns-body-too-long.json", ok, "refused for good: the message body is"},
		{"fc-destination-in-destination.json", nil, "an FC destination record inside another"},
		{"fc-destination-mns-destination.json", nil, "an FC destination record inside another"},
		{"fc-destination-depth-3.json", nil, "an FC destination record inside another"},
		{"mns-destination-nested.json", ok, "inside another"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			srv := startFake(t, nil)
			h := fakeHandler(t, srv, planConfig, nil)
			ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
			a, err := h.Invoke(ctx, testfix.Read(t, "..", "event", "testdata", tt.file))
			if err != nil {
				t.Fatalf("the invocation failed, so it would be retried: %v", err)
			}
			res := a.(*Result)
			if got := sentPaths(srv); !slices.Equal(got, tt.sent) {
				t.Errorf("VOD received %q, want %q", got, tt.sent)
			}
			found := false
			for _, s := range res.Skipped {
				found = found || strings.Contains(s.Reason, tt.why)
			}
			if !found {
				t.Errorf("skipped %+v, want a reason with %q", res.Skipped, tt.why)
			}
			out, _ := json.Marshal(a)
			if len(out) > 8<<10 {
				t.Errorf("the result is %d bytes", len(out))
			}
			for _, w := range []string{"json:", "Go value", "*event.", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"} {
				if strings.Contains(string(out), w) {
					t.Errorf("the result holds %q: %.400s", w, out)
				}
			}
		})
	}
}
