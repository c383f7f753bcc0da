package function

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/store"
)

// Evictions by a store under maxmemory with an evicting policy are said
// in the result's store note and logged at WARN, once: the next
// invocation, with nothing evicted since, says nothing.
func TestStoreEvictionsNoted(t *testing.T) {
	srv := startFake(t, nil)
	redis := redistest.Start(t, redistest.Args("--maxmemory", "2mb", "--maxmemory-policy", "volatile-lru"))
	st, err := store.Open(redis.URL(0), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var logs bytes.Buffer
	opts := fakeOptions(t, srv, nil)
	opts.Store, opts.Logger = st, slog.New(slog.NewJSONHandler(&logs, nil))
	clock := time.Now()
	opts.Now = func() time.Time { return clock }
	h, err := New(mustConfig(t, planConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	if res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err != nil || res.Store != "" {
		t.Fatalf("before any eviction: store note %q, error %v; want none", res.Store, err)
	}
	value := strings.Repeat("x", 32<<10)
	for i := range 200 { // 6.4 MB of keys with a TTL, past 2 MB
		if err := st.SetValue(context.Background(), store.KeyOf("fill", fmt.Sprint(i)), value, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	clock = clock.Add(evictionEvery)
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/b.png"}))
	if err != nil || !strings.Contains(res.Store, "the store evicted ") || !strings.Contains(res.Store, "may be accepted or sent again") {
		t.Fatalf("after evictions: store note %q, error %v; want the evictions said", res.Store, err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"store evictions"`) {
		t.Errorf("no WARN line for the evictions:\n%s", logs.String())
	}
	if _, err := redistest.Command(redis.Addr, "", "FLUSHDB"); err != nil { // room again: nothing more is evicted
		t.Fatal(err)
	}
	clock = clock.Add(evictionEvery) // takes in what the last invocation's own writes evicted
	if _, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/b2.png"})); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(evictionEvery)
	if res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/c.png"})); err != nil || res.Store != "" {
		t.Fatalf("with nothing evicted since: store note %q, error %v; want none", res.Store, err)
	}
}
