package e2e

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
)

const vodConfig = `
domains: [https://vod.example.com, https://vod-backup.example.com]
webhooks:
  - path: /hooks/vod
    kind: vod
    secretEnv: VOD_AUTH_KEY
    urls: ["https://vod.example.com/{path}", "https://vod-backup.example.com/{path}"]
`

// A DeleteMediaComplete callback, signed as VOD signs it, through the
// compiled binary: the video's folder on each CDN base, as one Directory
// call, answered 200 (VOD counts nothing else as delivered).
func TestVODDeleteCallback(t *testing.T) {
	const key, video = "E2eVodAuthKey01", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	r := newRigEnv(t, vodConfig, nil, map[string]string{"VOD_AUTH_KEY": key})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sum := md5.Sum([]byte("https://hooks.example.com/hooks/vod|" + ts + "|" + key))
	body := `{"EventTime":"2026-11-24T03:00:00Z","EventType":"DeleteMediaComplete","MediaId":"` + video + `","MediaType":"video","DeleteType":"all","Status":"success","Extend":""}`
	ev, _ := json.Marshal(map[string]any{
		"version": "v1", "rawPath": "/hooks/vod", "queryParameters": map[string]string{},
		"headers": map[string]string{"Host": "hooks.example.com", "Content-Type": "application/json",
			"X-VOD-TIMESTAMP": ts, "X-VOD-SIGNATURE": hex.EncodeToString(sum[:])},
		"body": body, "isBase64Encoded": false,
		"requestContext": map[string]any{"requestId": "v1", "http": map[string]string{"method": "POST", "path": "/hooks/vod"}},
	})
	o := r.invoke(t, ev, fcemu.Invocation{})
	if o.Error != nil {
		t.Fatalf("error: %+v", o.Error)
	}
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(o.Response, &resp); err != nil || resp.StatusCode != 200 {
		t.Fatalf("answer %s (%v), want 200", o.Response, err)
	}
	got := r.refreshes()
	want := []string{"https://vod.example.com/" + video + "/", "https://vod-backup.example.com/" + video + "/"}
	if len(got) != 1 || got[0].ObjectType != "Directory" || !reflect.DeepEqual(got[0].Paths, want) {
		t.Fatalf("VOD received %+v, want one Directory call of %v", got, want)
	}
}
