package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/vodfake"
	vodclient "vodrefresh/handler/vod"
)

// coldStart returns the time from exec to the first GET next.
func coldStart(b *testing.B, bin string, env map[string]string) time.Duration {
	b.Helper()
	emu := emulator(b, env, time.Minute)
	defer emu.Close()
	t0 := time.Now()
	p := start(b, bin, env)
	select {
	case <-emu.Polled():
	case <-time.After(30 * time.Second):
		b.Fatalf("%s never polled: %s", bin, p.stderr.String())
	}
	d := emu.FirstPoll().Sub(t0)
	p.stop()
	return d
}

// emulator starts a runtime API emulator that lives for lifetime, and
// points env's FC_RUNTIME_API at it. The caller closes it.
func emulator(b *testing.B, env map[string]string, lifetime time.Duration) *fcemu.Server {
	b.Helper()
	emu, err := fcemu.Start(fcemu.Options{Lifetime: lifetime})
	if err != nil {
		b.Fatal(err)
	}
	env["FC_RUNTIME_API"] = emu.Addr()
	return emu
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkColdStart starts vodrefresh, the hello-world function and the
// hello-world with vodrefresh's libraries (testdata/hellolibs) by turns,
// each against a fresh runtime API emulator, and reports the median time
// from exec to the first GET next of each, and vodrefresh's ratio to
// each.
func BenchmarkColdStart(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	env := func() map[string]string {
		return map[string]string{"REFRESH_CONFIG": config, "HOOK_SECRET": "whsec_a2V5", "VOD_ENDPOINT": "http://127.0.0.1:9"}
	}
	var ours, floor, libs []time.Duration
	for b.Loop() {
		ours = append(ours, coldStart(b, binPath, env()))
		floor = append(floor, coldStart(b, helloPath(b), map[string]string{}))
		libs = append(libs, coldStart(b, libsPath(b), env()))
	}
	reportFloors(b, ours, floor, libs)
}

// reportFloors reports the medians of vodrefresh's times, the hello-world
// function's and hellolibs', and vodrefresh's ratio to each ("ratio" is
// to the hello-world). libs-hello-ratio is hellolibs' own ratio to the
// hello-world: how much of a goal set against the hello-world the
// required libraries take before vodrefresh does anything.
func reportFloors(b *testing.B, ours, hello, libs []time.Duration) {
	b.ReportMetric(ms(median(ours)), "vodrefresh-ms")
	b.ReportMetric(ms(median(hello)), "hello-ms")
	b.ReportMetric(ms(median(libs)), "libs-ms")
	b.ReportMetric(float64(median(ours))/float64(median(hello)), "ratio")
	b.ReportMetric(float64(median(ours))/float64(median(libs)), "libs-ratio")
	b.ReportMetric(float64(median(libs))/float64(median(hello)), "libs-hello-ratio")
}

// coldAnswer returns the time from exec to the answer of the first
// invocation, event, which the process receives as soon as it polls.
func coldAnswer(b *testing.B, bin string, env map[string]string, event []byte, inv fcemu.Invocation) time.Duration {
	b.Helper()
	emu := emulator(b, env, time.Minute)
	defer emu.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	answered := make(chan error, 1)
	go func() {
		o, err := emu.Invoke(ctx, event, inv)
		if err == nil && o.Error != nil {
			err = fmt.Errorf("%s: %s", o.Error.Type, o.Error.Message)
		}
		answered <- err
	}()
	t0 := time.Now()
	p := start(b, bin, env)
	if err := <-answered; err != nil {
		b.Fatalf("%s: %v: %s", bin, err, p.stderr.String())
	}
	d := time.Since(t0)
	p.stop()
	return d
}

// BenchmarkColdStartToFirstAnswer starts vodrefresh, the hello-world
// function and hellolibs by turns, each with a one-record OSS event
// waiting for it, and reports the median time from exec to the first
// answer and vodrefresh's ratios. vodrefresh's first answer includes what
// it builds on first use (the configuration, the validator, the SDK
// client) and its two calls to the loopback fake VOD (the quota, the
// refresh); hellolibs reads and validates the configuration, and makes
// the same two calls, with the SDK's own client.
func BenchmarkColdStartToFirstAnswer(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret}, Lifetime: 10 * time.Minute, MaxRequests: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer vod.Close()
	event := ossEvent("images/cover.jpg")
	inv := fcemu.Invocation{Credentials: fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}}
	env := func() map[string]string {
		return map[string]string{"REFRESH_CONFIG": config, "HOOK_SECRET": "whsec_a2V5", "VOD_ENDPOINT": vod.Endpoint()}
	}
	var ours, floor, libs []time.Duration
	for b.Loop() {
		ours = append(ours, coldAnswer(b, binPath, env(), event, inv))
		floor = append(floor, coldAnswer(b, helloPath(b), map[string]string{}, event, inv))
		libs = append(libs, coldAnswer(b, libsPath(b), env(), event, inv))
	}
	reportFloors(b, ours, floor, libs)
}

// bigEvent is a 10,000-record OSS event: 10,000 distinct image keys.
func bigEvent() []byte {
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("images/set-%d/photo %d.jpg", i%40, i)
	}
	return ossEvent(keys...)
}

// warm starts bin against a runtime API emulator of its own, and returns
// both once the process has polled for its first invocation. The caller
// closes the emulator.
func warm(b *testing.B, bin string, env map[string]string) (*fcemu.Server, *proc) {
	b.Helper()
	emu := emulator(b, env, 10*time.Minute)
	p := start(b, bin, env)
	<-emu.Polled()
	return emu, p
}

// timedInvoke sends event through emu and returns how long the invocation
// took; it fails the benchmark if the invocation did not succeed.
func timedInvoke(b *testing.B, emu *fcemu.Server, event []byte, inv fcemu.Invocation) time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t0 := time.Now()
	o, err := emu.Invoke(ctx, event, inv)
	d := time.Since(t0)
	if err != nil || o.Error != nil {
		b.Fatalf("%v %+v", err, o.Error)
	}
	return d
}

// BenchmarkEndToEnd10k sends one 10,000-record OSS event through the runtime
// API to a warm vodrefresh process, which refreshes 10,000 URLs at the
// loopback fake VOD (calls/op: 10 or more, as the query size allows). Both
// processes run with the Go runtime's settings that s.yaml deploys
// (runtimeEnv). The floor is the hello-world function receiving the same
// event (transport) plus json.Unmarshal of it into events.OssEvent
// (decoding). After each invocation its refresh calls are replayed through
// the SDK alone (sdk-calls-ms); sdk-floor-ratio is vodrefresh against the
// floor with them, required-ratio that floor against the floor without.
// It also reports the peak RSS (VmHWM) of both processes after the runs,
// and of hellolibs receiving and decoding the same event (and making its
// two calls to a fake VOD of its own), with its time (libs-ms).
func BenchmarkEndToEnd10k(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	event := bigEvent()
	vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret}, Lifetime: 10 * time.Minute,
		MaxRequests: 10_000_000, URLQuota: math.MaxInt32})
	if err != nil {
		b.Fatal(err)
	}
	defer vod.Close()
	env := runtimeEnv(b)
	env["REFRESH_CONFIG"], env["HOOK_SECRET"], env["VOD_ENDPOINT"] = "quota: {maxUrlShare: 1}\n"+config, "whsec_a2V5", vod.Endpoint()
	ourEmu, ours := warm(b, binPath, env)
	defer ourEmu.Close()
	helloEmu, hello := warm(b, helloPath(b), runtimeEnv(b))
	defer helloEmu.Close()
	// hellolibs, with a fake VOD of its own, so that its calls are not
	// counted as vodrefresh's.
	libsVOD, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret}, Lifetime: 10 * time.Minute, MaxRequests: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer libsVOD.Close()
	libsEnv := runtimeEnv(b)
	libsEnv["REFRESH_CONFIG"], libsEnv["VOD_ENDPOINT"] = config, libsVOD.Endpoint()
	libsEmu, libs := warm(b, libsPath(b), libsEnv)
	defer libsEmu.Close()
	inv := fcemu.Invocation{Credentials: fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}}
	// The official SDK alone making the same calls: each invocation's refresh
	// calls replayed at once, in the test process, through one client of
	// the SDK to a fake VOD like vodrefresh's, whose quota the replays
	// cannot spend. No use of the SDK avoids them, so with the floor below
	// they bound vodrefresh from below.
	replayVOD, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret}, Lifetime: 10 * time.Minute,
		MaxRequests: 10_000_000, URLQuota: math.MaxInt32, DirQuota: math.MaxInt32})
	if err != nil {
		b.Fatal(err)
	}
	defer replayVOD.Close()
	replay := sdkClient(b, replayVOD, inv)
	var tOurs, tOwn, tHello, tDecode, tLibs, tSDK, tSDKOwn []time.Duration
	calls, faults := 0, 0
	for b.Loop() {
		last, callsBefore := len(vod.Requests()), vod.Calls("RefreshVodObjectCaches")
		before, err := ours.minorFaults()
		if err != nil {
			b.Fatal(err)
		}
		busy := vod.Busy()
		d := timedInvoke(b, ourEmu, event, inv)
		tOurs, tOwn = append(tOurs, d), append(tOwn, d-(vod.Busy()-busy))
		after, err := ours.minorFaults()
		if err != nil {
			b.Fatal(err)
		}
		faults += after - before
		calls += vod.Calls("RefreshVodObjectCaches") - callsBefore
		busy = replayVOD.Busy()
		d = replaySDK(b, replay, vod.Requests()[last:])
		tSDK, tSDKOwn = append(tSDK, d), append(tSDKOwn, d-(replayVOD.Busy()-busy))
		tHello = append(tHello, timedInvoke(b, helloEmu, event, inv))
		tLibs = append(tLibs, timedInvoke(b, libsEmu, event, inv))
		t0 := time.Now()
		var ev events.OssEvent
		if err := json.Unmarshal(event, &ev); err != nil {
			b.Fatal(err)
		}
		tDecode = append(tDecode, time.Since(t0))
	}
	floor := median(tHello) + median(tDecode)
	required := floor + median(tSDK)
	b.ReportMetric(ms(median(tSDK)), "sdk-calls-ms")
	b.ReportMetric(float64(median(tOurs))/float64(required), "sdk-floor-ratio")
	// What the event requires of any function that makes its calls with
	// the SDK, against the floor of transport and decoding alone; and the
	// same without the fake VOD's time, beside own-ratio.
	b.ReportMetric(float64(required)/float64(floor), "required-ratio")
	b.ReportMetric(ms(median(tSDKOwn)), "sdk-calls-own-ms")
	b.ReportMetric(float64(floor+median(tSDKOwn))/float64(floor), "required-own-ratio")
	b.ReportMetric(ms(median(tOurs)), "vodrefresh-ms")
	b.ReportMetric(ms(median(tHello)), "transport-ms")
	b.ReportMetric(ms(median(tLibs)), "libs-ms")
	b.ReportMetric(ms(median(tDecode)), "decode-ms")
	b.ReportMetric(float64(median(tOurs))/float64(floor), "ratio")
	// The fake VOD answers on the same two cores, verifying each 60 KB
	// signed request: a real VOD does that elsewhere. Without its time:
	b.ReportMetric(ms(median(tOwn)), "vodrefresh-own-ms")
	b.ReportMetric(float64(median(tOwn))/float64(floor), "own-ratio")
	b.ReportMetric(float64(calls)/float64(len(tOurs)), "calls/op")
	b.ReportMetric(float64(faults)/float64(len(tOurs)), "vodrefresh-faults/op")
	ourRSS, err1 := ours.vmHWM()
	helloRSS, err2 := hello.vmHWM()
	libsRSS, err3 := libs.vmHWM()
	if err := errors.Join(err1, err2, err3); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ourRSS), "vodrefresh-VmHWM-KiB")
	b.ReportMetric(float64(helloRSS), "hello-VmHWM-KiB")
	b.ReportMetric(float64(libsRSS), "libs-VmHWM-KiB")
	b.ReportMetric(float64(ourRSS)/float64(helloRSS), "rss-ratio")
	b.ReportMetric(float64(ourRSS)/float64(libsRSS), "libs-rss-ratio")
	b.ReportMetric(float64(libsRSS)/float64(helloRSS), "libs-hello-rss-ratio")
	if s := ours.stderr.String(); strings.Contains(s, "panic") {
		b.Fatal(s)
	}
}

// BenchmarkBinarySize reports the size of the stripped binary that s.yaml
// ships, the hello-world function's and hellolibs', and vodrefresh's ratio
// to each (floor: 1.9; 2.2 once the Redis client is in).
func BenchmarkBinarySize(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	size := func(path string) int64 {
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return fi.Size()
	}
	var ours, floor, libs int64
	for b.Loop() {
		ours, floor, libs = size(binPath), size(helloPath(b)), size(libsPath(b))
	}
	b.ReportMetric(float64(ours)/(1<<20), "vodrefresh-MiB")
	b.ReportMetric(float64(floor)/(1<<20), "hello-MiB")
	b.ReportMetric(float64(libs)/(1<<20), "libs-MiB")
	b.ReportMetric(float64(ours)/float64(floor), "ratio")
	b.ReportMetric(float64(ours)/float64(libs), "libs-ratio")
}

// sdkClient returns a client of the SDK, as vodrefresh builds it, for
// srv with the invocation's credentials.
func sdkClient(b *testing.B, srv *vodfake.Server, inv fcemu.Invocation) vodclient.Client {
	b.Helper()
	ep, err := vodclient.ParseEndpoint(srv.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	c := inv.Credentials
	client, err := vodclient.NewConnector(ep, nil).Dial(vodclient.STS{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken})
	if err != nil {
		b.Fatal(err)
	}
	return client
}

// replaySDK makes the refresh calls among reqs again, in order, through
// client, and returns how long they took. Each must be answered.
func replaySDK(b *testing.B, client vodclient.Client, reqs []vodfake.Request) time.Duration {
	b.Helper()
	t0 := time.Now()
	for _, r := range reqs {
		if r.Action != "RefreshVodObjectCaches" {
			continue
		}
		if _, err := client.Refresh(context.Background(), r.ObjectType, r.Paths); err != nil {
			b.Fatalf("replaying a refresh call: %v", err)
		}
	}
	return time.Since(t0)
}
