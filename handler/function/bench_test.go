package function

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// benchEvent is a native OSS event of n records, shaped like the trigger's
// own (every field the reference event has), with distinct keys.
func benchEvent(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		dir := "videos"
		if i%2 == 1 {
			dir = "images"
		}
		fmt.Fprintf(&b, `{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss","eventTime":"2026-11-20T08:15:30.000Z","eventVersion":"1.0",`+
			`"oss":{"bucket":{"arn":"acs:oss:cn-shanghai:123456789:media-bucket","name":"media-bucket","ownerIdentity":"123456789","virtualBucket":""},`+
			`"object":{"deltaSize":122539,"eTag":"688A7BF4F233DC9C88A80BF985AB7329","key":"%s/set-%d/clip %d.mp4","size":122539},"ossSchemaVersion":"1.0","ruleId":"9adac8e253828f4f7c0466d941fa3db81161"},`+
			`"region":"cn-shanghai","requestParameters":{"sourceIPAddress":"140.205.1.1"},"responseElements":{"requestId":"58F9FF2D3DF792092E12044C"},"userIdentity":{"principalId":"123456789"}}`,
			dir, i%50, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

var recordCounts = []int{1, 100, 10000}

// benchRecords runs one sub-benchmark, records=N, for each of recordCounts:
// op is timed on the benchEvent of N records, with bytes and allocations
// reported.
func benchRecords(b *testing.B, op func(b *testing.B, payload []byte)) {
	for _, n := range recordCounts {
		payload := benchEvent(n)
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				op(b, payload)
			}
		})
	}
}

// BenchmarkParsePlan measures recognising, parsing and planning an OSS
// event: shape detection, rules, encoding, dedupe and batching. Its floor is
// BenchmarkParsePlanFloor.
func BenchmarkParsePlan(b *testing.B) {
	pl, err := refresh.Compile(mustConfig(b, planConfig))
	if err != nil {
		b.Fatal(err)
	}
	benchRecords(b, func(b *testing.B, payload []byte) {
		ev, err := event.Detect(payload, event.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p := pl.PlanOSS(ev.Records, nil)
		if p.Size() == 0 {
			b.Fatal("nothing planned")
		}
		pl.Batches(p)
	})
}

// BenchmarkParsePlanFloor is the simplest code doing part of the same work:
// json.Unmarshal of the same bytes into the runtime SDK's events.OssEvent.
func BenchmarkParsePlanFloor(b *testing.B) {
	benchRecords(b, func(b *testing.B, payload []byte) {
		var ev events.OssEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkWebhook measures verifying, adapting and planning one signed
// request of each kind (the samples in events/, re-signed now). Its floor is
// BenchmarkWebhookFloor.
func BenchmarkWebhook(b *testing.B) {
	env := sampleEnv(b)
	cfg := mustConfig(b, string(testfix.Read(b, "..", "..", "events", "webhooks.yaml")))
	now := time.Now()
	h, err := New(cfg, Options{DryRun: true, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range httpSamples(env, now) {
		event := s.triggerEventJSON()
		b.Run("kind="+s.kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.store = store.NewMemory(store.MemoryOptions{}) // every request is new
				out, err := invokeJSON(h, context.Background(), event)
				if err != nil || !strings.Contains(string(out), `"statusCode":202`) {
					b.Fatalf("%s: %v", out, err)
				}
			}
		})
	}
}

// BenchmarkWebhookFloor is the HMAC-SHA256 of each sample's body.
func BenchmarkWebhookFloor(b *testing.B) {
	env := sampleEnv(b)
	for _, s := range httpSamples(env, time.Now()) {
		body := []byte(s.body)
		b.Run("kind="+s.kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := hmac.New(sha256.New, []byte("secret"))
				m.Write(body)
				m.Sum(nil)
			}
		})
	}
}

// BenchmarkSubmit sends 10,000 URLs across two domains through the SDK to
// the loopback fake VOD, and reports the calls made against the minimum,
// ceil(unique URLs / batch size).
func BenchmarkSubmit(b *testing.B) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{testAK: testSecret}, Lifetime: 10 * time.Minute,
		MaxRequests: 10_000_000, URLQuota: math.MaxInt32})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ep, _ := vod.ParseEndpoint(srv.Endpoint())
	h, err := New(mustConfig(b, "quota: {maxUrlShare: 1, denseFolder: 1000000}\n"+planConfig), Options{Connector: vod.NewConnector(ep, nil)})
	if err != nil {
		b.Fatal(err)
	}
	// 5,000 video keys, each behind two domains: 10,000 unique URLs.
	var keys []string
	for i := range 5000 {
		keys = append(keys, fmt.Sprintf("videos/set-%d/clip-%d.mp4", i%40, i))
	}
	event := images(keys...)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	before := srv.Calls("RefreshVodObjectCaches")
	var urls []string
	b.ResetTimer()
	for b.Loop() {
		res, err := handle(h, ctx, event)
		if err != nil || len(res.Paths) != 10000 {
			b.Fatal(err)
		}
		urls = urls[:0]
		for _, p := range res.Paths {
			urls = append(urls, p.Path)
		}
	}
	b.StopTimer()
	calls := float64(srv.Calls("RefreshVodObjectCaches")-before) / float64(b.N)
	b.ReportMetric(calls, "calls/op")
	// The least any split can do: by path count, and by the bytes that
	// ObjectPath takes in the query string.
	bytes := len(url.QueryEscape(strings.Join(urls, "\n")))
	b.ReportMetric(max(math.Ceil(10000/float64(config.DefaultFileBatch)), math.Ceil(float64(bytes)/config.DefaultQueryBytes)), "min-calls/op")
}

// mnsBatch is an MNS queue trigger batch of n messages, each an OSS
// CloudEvent (as an EventBridge rule's MNS target writes it) for an image
// in one of 500 folders.
func mnsBatch(n int) []byte {
	batch := make([]any, n)
	for i := range batch {
		batch[i] = testfix.Change{Event: "ObjectCreated:PutObject", Key: fmt.Sprintf("images/set-%d/photo %d.jpg", i%500, i)}.Message(i)
	}
	b, _ := json.Marshal(batch)
	return b
}

// BenchmarkParsePlanMNS measures recognising, unwrapping, parsing and
// planning a 10,000-message MNS batch. Its floor is
// BenchmarkParsePlanMNSFloor.
func BenchmarkParsePlanMNS(b *testing.B) {
	pl, err := refresh.Compile(mustConfig(b, planConfig))
	if err != nil {
		b.Fatal(err)
	}
	payload := mnsBatch(10000)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		ev, err := event.Detect(payload, event.Options{})
		if err != nil || len(ev.Records) != 10000 {
			b.Fatal(err)
		}
		pl.Batches(pl.PlanOSS(ev.Records, nil))
	}
}

// BenchmarkParsePlanMNSFloor is json.Unmarshal of the same batch into the
// runtime SDK's events.MnsQueueEvent, and of each message body into a map:
// the least any reader of the batch does.
func BenchmarkParsePlanMNSFloor(b *testing.B) {
	payload := mnsBatch(10000)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		var batch []events.MnsQueueEvent
		if err := json.Unmarshal(payload, &batch); err != nil {
			b.Fatal(err)
		}
		for _, m := range batch {
			var body map[string]any
			if err := json.Unmarshal([]byte(*m.Data.MessageBody), &body); err != nil {
				b.Fatal(err)
			}
		}
	}
}
