package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// unreadableBatch is an MNS queue trigger batch of n messages that each
// hold an OSS event for an image in a folder of its own, and one message
// whose body no retry can make readable.
func unreadableBatch(n int) []byte {
	var batch []any
	for i := range n {
		batch = append(batch, testfix.Change{Event: "ObjectCreated:PutObject", Key: fmt.Sprintf("images/set-%d/photo.jpg", i)}.Message(i))
	}
	batch = append(batch, map[string]any{"id": "MNSEV-BAD", "source": "MNS-Function-vodrefresh", "specversion": "1.0",
		"type": "mns:Queue:SendMessage", "data": map[string]string{"requestId": "MREQ-BAD", "messageId": "MSG-BAD", "messageBody": "not an event"}})
	b, _ := json.Marshal(batch)
	return b
}

// A batch that fails for one unreadable message, redelivered five times,
// each time to a fresh process (FC's instances are neither shared nor
// lasting): with REFRESH_STORE_URL, its 300 URLs are spent once; without
// it, each fresh process spends them again. A Redis Cluster in direct
// connection mode keeps them as one node does.
func TestRedeliveredBatchSpendsOnce(t *testing.T) {
	redis := redistest.Start(t)
	cluster := redistest.StartCluster(t, 3)
	for _, tt := range []struct {
		name  string
		store string
		urls  int
	}{
		{"with the store", redis.URL(1), 300},
		{"with a 3-node cluster", cluster.URL("redis+cluster"), 300},
		{"without it", "", 5 * 300},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret, envKey: envSecret}, Lifetime: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(vod.Close)
			batch := unreadableBatch(300)
			for delivery := range 5 {
				r := newProcess(t, vod, config, map[string]string{"REFRESH_STORE_URL": tt.store})
				o := r.invoke(t, batch, fcemu.Invocation{})
				if o.Error == nil || !strings.Contains(o.Error.Message, "MSG-BAD") {
					t.Fatalf("delivery %d: answer %s, error %+v; want the batch failed, naming MSG-BAD", delivery+1, o.Response, o.Error)
				}
				r.proc.stop()
			}
			urls := 0
			for _, q := range vod.Requests() {
				if q.Action == "RefreshVodObjectCaches" && q.ObjectType == "File" {
					urls += len(q.Paths)
				}
			}
			if urls != tt.urls {
				t.Errorf("%d URLs spent over 5 deliveries, want %d", urls, tt.urls)
			}
		})
	}
}

// A signed delivery, replayed to another instance with a header added, is
// a duplicate there when the instances share the store, one node or a
// cluster in direct connection mode: it refreshes once.
func TestReplayOnAnotherInstance(t *testing.T) {
	redis := redistest.Start(t)
	cluster := redistest.StartCluster(t, 3)
	for _, storeURL := range []string{redis.URL(2), cluster.URL("redis+cluster")} {
		vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret, envKey: envSecret}, Lifetime: 2 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(vod.Close)
		env := map[string]string{"REFRESH_STORE_URL": storeURL}
		first, second := newProcess(t, vod, config, env), newProcess(t, vod, config, env)
		body := `{"paths":["https://img.example.com/hero.png"]}`
		now := time.Now()
		headers := map[string]string{"webhook-id": "msg_replay", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": signGeneric("msg_replay", now, body)}
		replayed := maps.Clone(headers)
		replayed["Idempotency-Key"] = "attacker-1"
		for i, tt := range []struct {
			r       *rig
			headers map[string]string
			status  string
		}{
			{first, headers, `"status":"accepted"`},
			{second, replayed, `"status":"duplicate"`},
		} {
			o := tt.r.invoke(t, httpEvent(tt.headers, body), fcemu.Invocation{})
			if o.Error != nil || !strings.Contains(string(o.Response), strings.ReplaceAll(tt.status, `"`, `\"`)) {
				t.Errorf("%s: delivery %d: %s %+v; want %s", storeURL, i+1, o.Response, o.Error, tt.status)
			}
		}
		if n := len(first.refreshes()); n != 1 {
			t.Errorf("%s: %d refresh calls, want 1", storeURL, n)
		}
		first.proc.stop()
		second.proc.stop()
	}
}
