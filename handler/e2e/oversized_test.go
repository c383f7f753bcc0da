package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/webhook/webhooktest"
)

// deployed reads a setting of the function's props from s.yaml, as an
// integer: the benchmark measures what is shipped.
func deployed(tb testing.TB, name string) int {
	tb.Helper()
	n, err := strconv.Atoi(deployedEnv(tb, name))
	if err != nil {
		tb.Fatalf("s.yaml sets %s to no number: %v", name, err)
	}
	return n
}

// deployedEnv reads a setting of the function (a prop, or an environment
// variable) that s.yaml sets to a literal value.
func deployedEnv(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("../../s.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+` + name + `:\s*([^\s$#]+)\s*$`).FindSubmatch(b)
	if m == nil {
		tb.Fatalf("s.yaml sets no %s", name)
	}
	return string(m[1])
}

// runtimeEnv is the Go runtime's settings as s.yaml deploys them.
func runtimeEnv(tb testing.TB) map[string]string {
	return map[string]string{"GOMEMLIMIT": deployedEnv(tb, "GOMEMLIMIT")}
}

// maxHTTPEvent is the largest event FC passes a synchronous invocation.
const maxHTTPEvent = 32 << 20

// oversizedHTTP is an HTTP trigger event of nearly maxHTTPEvent bytes: a
// body far over http.maxBodyBytes, as text or base64-encoded, as FC sends
// a binary body.
func oversizedHTTP(b64 bool) []byte {
	ev := map[string]any{
		"version": "v1", "rawPath": "/hooks/generic", "headers": map[string]string{"content-type": "application/json"},
		"queryParameters": map[string]string{}, "isBase64Encoded": b64,
		"body":           strings.Repeat("QUJD", (maxHTTPEvent-1024)/4),
		"requestContext": map[string]any{"requestId": "big", "http": map[string]string{"method": "POST", "path": "/hooks/generic"}},
	}
	b, _ := json.Marshal(ev)
	return b
}

// BenchmarkOversizedHTTP sends instanceConcurrency oversized HTTP requests
// at once to one process deployed as s.yaml deploys it (its runtime
// settings included), each answered 413, and reports its peak RSS beside
// memorySize and the hello-world function's peak for the same requests
// (what the runtime SDK itself holds: each event, read whole). Floor: the
// peak stays under memorySize.
func BenchmarkOversizedHTTP(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	n, memory := deployed(b, "instanceConcurrency"), deployed(b, "memorySize")
	for _, b64 := range []bool{false, true} {
		b.Run(map[bool]string{false: "text", true: "base64"}[b64], func(b *testing.B) {
			event := oversizedHTTP(b64)
			var peak, floor int
			for b.Loop() {
				peak = max(peak, concurrentPeak(b, binPath, event, n, 413))
				floor = max(floor, concurrentPeak(b, helloPath(b), event, n, 0))
			}
			b.ReportMetric(float64(peak)/1024, "VmHWM-MiB")
			b.ReportMetric(float64(floor)/1024, "hello-VmHWM-MiB")
			b.ReportMetric(float64(memory), "memorySize-MB")
			b.ReportMetric(float64(n), "requests")
		})
	}
}

// concurrentPeak sends n copies of event at once to a fresh process of bin
// and returns its peak RSS in KiB; each answer must carry status, unless
// status is 0.
func concurrentPeak(b *testing.B, bin string, event []byte, n, status int) int {
	b.Helper()
	events := make([][]byte, n)
	for i := range events {
		events[i] = event
	}
	return concurrentPeakEnv(b, bin, map[string]string{"REFRESH_CONFIG": config, "HOOK_SECRET": "whsec_a2V5"}, events, status)
}

// concurrentPeakEnv sends events at once to a fresh process of bin, with
// the function's configuration and secrets in env (VOD is unreachable),
// and returns its peak RSS in KiB, as concurrentPeak.
func concurrentPeakEnv(b *testing.B, bin string, env map[string]string, events [][]byte, status int) int {
	b.Helper()
	env["VOD_ENDPOINT"] = "http://127.0.0.1:9"
	maps.Copy(env, deployedRuntime(b))
	emu, p := warm(b, bin, env)
	defer emu.Close()
	defer p.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(events))
	for _, event := range events {
		wg.Go(func() {
			o, err := emu.Invoke(ctx, event, fcemu.Invocation{})
			switch {
			case err != nil:
				errs <- err
			case o.Error != nil:
				errs <- fmt.Errorf("%+v", o.Error)
			case status != 0 && !strings.Contains(string(o.Response), fmt.Sprintf(`"statusCode":%d`, status)):
				errs <- fmt.Errorf("answer %.200s, want status %d", o.Response, status)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("%v; stderr: %s", err, p.stderr.String())
	}
	kib, err := p.vmHWM()
	if err != nil {
		b.Fatal(err)
	}
	return kib
}

// BenchmarkAcceptedHTTPAtTheLimit sends instanceConcurrency signed Ghost
// edits of nearly http.maxBodyBytes (the default, 4 MiB) at once to one
// process deployed as s.yaml deploys it, each verified, parsed and
// planned (VOD is unreachable, so each is answered 503), and reports its
// peak RSS beside memorySize. Floor: the peak stays under memorySize.
func BenchmarkAcceptedHTTPAtTheLimit(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	n, memory := deployed(b, "instanceConcurrency"), deployed(b, "memorySize")
	body := ghostEdit(b, 4<<20-64<<10)
	var peak int
	for b.Loop() {
		// Each signed a millisecond apart: ten deliveries, not one.
		events := make([][]byte, n)
		for i := range events {
			headers := map[string]string{"X-Ghost-Signature": webhooktest.SignGhost(ghostSecret, body, time.Now().Add(time.Duration(i)*time.Millisecond)), "Content-Type": "application/json"}
			events[i] = senderEvent("/hooks/blog", headers, body)
		}
		peak = max(peak, concurrentPeakEnv(b, binPath, map[string]string{"REFRESH_CONFIG": sendersConfig, "GHOST_SECRET": ghostSecret, "STRAPI_TOKEN": strapiToken}, events, 503))
	}
	b.ReportMetric(float64(len(body))/(1<<20), "body-MiB")
	b.ReportMetric(float64(peak)/1024, "VmHWM-MiB")
	b.ReportMetric(float64(memory), "memorySize-MB")
	b.ReportMetric(float64(n), "requests")
}
