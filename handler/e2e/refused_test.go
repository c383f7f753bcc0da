package e2e

import (
	"strconv"
	"strings"
	"testing"

	"vodrefresh/handler/internal/fcemu"
)

// maxEvent is the largest event FC passes a function: 32 MB for a
// synchronous invocation, 128 KB for an asynchronous one (shared/FACTS.md,
// "How events really arrive"). An OSS trigger invokes asynchronously, but
// the same event can be invoked synchronously, so 32 MB is the largest an
// OSS event can be; a key of 50 MB cannot reach the function.
const maxEvent = maxHTTPEvent

// An OSS event of the largest size FC passes, whose first record's key
// fills it, is answered in a fresh process deployed as s.yaml deploys it:
// that record refused for good with a clear reason (and not a function
// error, which FC would retry), the other record refreshed, the key never
// logged, and the peak RSS under memorySize.
func TestHugeKeyIsRefused(t *testing.T) {
	const okKey = "images/ok.png"
	head := `{"events":[{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss","region":"cn-shanghai","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/`
	tail := `","size":1}}},` + string(ossEvent(okKey))[len(`{"events":[`):]
	key := strings.Repeat("k", maxEvent-len(head)-len(tail)-1024)
	event := []byte(head + key + tail)
	if len(event) > maxEvent {
		t.Fatalf("the event is %d bytes, over %d", len(event), maxEvent)
	}
	r := newRigEnv(t, config, nil, runtimeEnv(t))
	o := r.invoke(t, event, fcemu.Invocation{})
	if o.Error != nil {
		t.Fatalf("the invocation failed, so FC would retry it: %+v", o.Error)
	}
	answer := string(o.Response)
	if !strings.Contains(answer, "refused for good: the object key is "+strconv.Itoa(len("images/")+len(key))+" bytes, longer than the 1023 allowed") {
		t.Errorf("answer %.600s", answer)
	}
	if len(answer) > 8<<10 {
		t.Errorf("the answer is %d bytes", len(answer))
	}
	var sent []string
	for _, req := range r.vod.Requests() {
		if req.Action == "RefreshVodObjectCaches" {
			sent = append(sent, req.Paths...)
		}
	}
	if strings.Join(sent, " ") != "https://img.example.com/"+okKey {
		t.Errorf("VOD received %.200q", sent)
	}
	logs := r.proc.stdout.String() + r.proc.stderr.String()
	if len(logs) > 64<<10 || strings.Contains(logs, strings.Repeat("k", 256)) || !strings.Contains(logs, "input refused for good") {
		t.Errorf("the logs are %d bytes, hold the key: %t, say the refusal: %t", len(logs),
			strings.Contains(logs, strings.Repeat("k", 256)), strings.Contains(logs, "input refused for good"))
	}
	kib, err := r.proc.vmHWM()
	if err != nil {
		t.Fatal(err)
	}
	memory := deployed(t, "memorySize")
	t.Logf("event %d bytes, key %d bytes: peak RSS %.1f MiB (memorySize %d MB)", len(event), len(key)+len("images/"), float64(kib)/1024, memory)
	if !raceEnabled && kib > memory<<10 {
		t.Errorf("peak RSS %d KiB, over memorySize (%d MB)", kib, memory)
	}
}
