package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/vodfake"
)

// recordShapes format one OSS record of bucket with key: "full" has every
// field of FC's sample (shared/reference/fc3-template-oss.json), about
// 640 bytes; "lean" only what identifies the change, about 330 bytes, so
// that more records fit in the same bytes.
var recordShapes = map[string]string{
	"full": `{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss","eventTime":"2026-11-24T03:00:00.000Z","eventVersion":"1.0",` +
		`"oss":{"bucket":{"arn":"acs:oss:cn-shanghai:123456789:%[1]s","name":"%[1]s","ownerIdentity":"123456789","virtualBucket":""},` +
		`"object":{"deltaSize":122539,"eTag":"688A7BF4F233DC9C88A80BF985AB7329","key":%[2]q,"size":122539},` +
		`"ossSchemaVersion":"1.0","ruleId":"9adac8e253828f4f7c0466d941fa3db81161abcd"},"region":"cn-shanghai",` +
		`"requestParameters":{"sourceIPAddress":"140.205.1.1"},"responseElements":{"requestId":"58F9FF2D3DF792092E12044C"},` +
		`"userIdentity":{"principalId":"123456789"}}`,
	"lean": `{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss","eventTime":"2026-11-24T03:00:00.000Z","region":"cn-shanghai",` +
		`"oss":{"bucket":{"name":"%[1]s"},"object":{"eTag":"688A7BF4F233DC9C88A80BF985AB7329","key":%[2]q,"size":122539}}}`,
}

// largeEvent is an n-record native OSS event of the given record shape:
// images in 40 folders of bucket.
func largeEvent(shape string, n int, bucket string) []byte {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, recordShapes[shape], bucket, fmt.Sprintf("images/set-%d/photo %d.jpg", i%40, i))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// deployedRuntime is the Go runtime's settings that the function runs
// with in the memory benchmarks: as s.yaml deploys them (runtimeEnv), with
// the benchmark's own GOMEMLIMIT when it is set (GOMEMLIMIT=100MiB
// measures a 128 MB deployment).
func deployedRuntime(tb testing.TB) map[string]string {
	env := runtimeEnv(tb)
	if l := os.Getenv("GOMEMLIMIT"); l != "" {
		env["GOMEMLIMIT"] = l
	}
	return env
}

// BenchmarkLargeEvent sends one large OSS event to a fresh vodrefresh
// process, deployed as in s.yaml (its runtime settings included: see deployedRuntime), and reports its
// peak RSS (VmHWM), that of the hello-world function receiving the same
// event (the runtime SDK's own cost), and the size of the event and of the
// result. Matched records are refreshed (by directory: they are far over
// the URL quota); unmatched ones come from a bucket no rule covers, and
// are all skipped. Pick cases with -bench 'LargeEvent/full-matched-50k'.
func BenchmarkLargeEvent(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	counts := map[string][]int{"full": {10_000, 25_000, 40_000, 50_000}, "lean": {20_000, 50_000, 70_000, 80_000, 100_000, 118_000}}
	for _, shape := range []string{"full", "lean"} {
		for _, n := range counts[shape] {
			for _, kind := range []string{"matched", "unmatched"} {
				b.Run(fmt.Sprintf("%s-%s-%dk", shape, kind, n/1000), func(b *testing.B) {
					event := largeEvent(shape, n, map[string]string{"matched": "media-bucket", "unmatched": "other-bucket"}[kind])
					var peak, floor, result int
					for b.Loop() {
						p, r := largeEventPeak(b, binPath, event)
						f, _ := largeEventPeak(b, helloPath(b), event)
						peak, floor, result = max(peak, p), max(floor, f), r
					}
					b.ReportMetric(float64(peak)/1024, "VmHWM-MiB")
					b.ReportMetric(float64(floor)/1024, "hello-VmHWM-MiB")
					b.ReportMetric(float64(len(event))/1e6, "event-MB")
					b.ReportMetric(float64(result)/1e6, "result-MB")
				})
			}
		}
	}
}

// largeEventPeak runs event through a fresh process of bin and returns its
// peak RSS in KiB and the size of its answer.
func largeEventPeak(b *testing.B, bin string, event []byte) (peakKiB, answer int) {
	b.Helper()
	vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret}, Lifetime: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	defer vod.Close()
	env := deployedRuntime(b)
	env["REFRESH_CONFIG"], env["HOOK_SECRET"], env["VOD_ENDPOINT"] = config, "whsec_a2V5", vod.Endpoint()
	emu, p := warm(b, bin, env)
	defer emu.Close()
	defer p.stop()
	inv := fcemu.Invocation{Credentials: fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o, err := emu.Invoke(ctx, event, inv)
	if err != nil || o.Error != nil {
		b.Fatalf("%v %+v; stderr: %s", err, o.Error, p.stderr.String())
	}
	kib, err := p.vmHWM()
	if err != nil {
		b.Fatal(err)
	}
	return kib, len(o.Response)
}
