package function

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// Two instances sharing one Redis plan against one quota ledger: of
// concurrent invocations that together want more URLs than remain, the
// ones that are submitted never add up to more than remains, and VOD
// refuses none of them for want of quota.
func TestInstancesShareOneLedger(t *testing.T) {
	redis := redistest.Start(t)
	account := &vodmem.Client{Remain: vod.Quota{URLRemain: 100, DirRemain: 0, PreloadRemain: vod.DailyPreloadQuota}}
	cfg := mustConfig(t, "quota: {maxUrlShare: 1}\n"+planConfig)
	var instances []*Handler
	for range 2 {
		s, err := store.Open(redis.URL(3), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		h, err := New(cfg, Options{Connector: account, Store: s, Backoff: vod.Backoff{Attempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		instances = append(instances, h)
	}
	const invocations, each = 8, 30
	errs := make([]error, invocations)
	testfix.Parallel(invocations, func(i int) {
		keys := make([]string, each)
		for j := range keys {
			keys[j] = fmt.Sprintf("images/inv-%d/item-%d/photo.jpg", i, j)
		}
		_, errs[i] = handle(instances[i%2], context.Background(), images(keys...))
	})
	urls, refused := 0, account.Calls("RefreshVodObjectCaches")-len(account.Refreshes())
	for _, r := range account.Refreshes() {
		urls += len(r.Paths)
	}
	if urls > 100 || refused != 0 {
		t.Errorf("%d URLs submitted and %d calls refused for want of quota; want at most 100, and none refused (errors: %v)", urls, refused, errs)
	}
	if urls < each {
		t.Errorf("%d URLs submitted: the ledger let no invocation through", urls)
	}
}

// A store that cannot be reached never blocks a refresh: the invocation
// goes on in process memory, and its result and summary line say so,
// without the store's password.
func TestUnreachableStore(t *testing.T) {
	var logs testfix.SyncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	s, err := store.Open("redis://:hunter2-store-password@127.0.0.1:1/0", log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	account := &vodmem.Client{}
	h, err := New(mustConfig(t, planConfig), Options{Connector: account, Store: s, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	res, err := handle(h, context.Background(), ossEvent("req-1", [][2]string{{"ObjectCreated:PutObject", "images/a.png"}}))
	if err != nil || len(account.Refreshes()) != 1 {
		t.Fatalf("error %v, %d refreshes; want the refresh made", err, len(account.Refreshes()))
	}
	if res.Store == "" || !strings.Contains(logs.String(), `"store":`) {
		t.Errorf("result store %q; summary %s: want both to say the store was not reached", res.Store, logs.String())
	}
	if strings.Contains(res.Store+logs.String(), "hunter2") {
		t.Errorf("the store's password leaked: %s %s", res.Store, logs.String())
	}
}
