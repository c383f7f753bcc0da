package function

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// Behaviours the documentation states, each pinned by a figure the code
// could get wrong.

// A delivery is remembered for twice the longest replay window when that
// is longer than http.dedupeWindow: a signature stays valid from one
// window before now to one after.
func TestDedupeWindowIsTwiceTheReplayWindow(t *testing.T) {
	for _, tt := range []struct {
		doc      string
		override time.Duration
		want     time.Duration
	}{
		{"domains: [https://www.example.com]\nwebhooks: [{path: /a, kind: generic, auth: none, replayWindow: 20m}]\n", 0, 40 * time.Minute},
		{"domains: [https://www.example.com]\nwebhooks: [{path: /a, kind: generic, auth: none, replayWindow: 1m}]\n", 0, 10 * time.Minute},
		{"domains: [https://www.example.com]\nwebhooks: [{path: /a, kind: generic, auth: none}]\n", 7 * time.Hour, 14 * time.Hour},
	} {
		if got := dedupeWindow(mustConfig(t, tt.doc), tt.override); got != tt.want {
			t.Errorf("%s (override %s): %s, want %s", strings.TrimSpace(tt.doc), tt.override, got, tt.want)
		}
	}
}

// A delivery in progress is held against its copies for twice the answer
// budget and half a minute: past it, a delivery whose invocation died is
// handled again.
func TestReserveForIsTheBudgetAndAMargin(t *testing.T) {
	h, err := New(mustConfig(t, "domains: [https://www.example.com]\nhttp: {budget: 2s}\nwebhooks: [{path: /a, kind: generic, auth: none}]\n"), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.reserveFor(); got != 34*time.Second {
		t.Errorf("reserveFor = %s, want 34s", got)
	}
}

// A dry run forwards nothing: a VOD callback on a route with a forward
// URL is planned and answered, and the receiver sees no request.
func TestDryRunForwardsNothing(t *testing.T) {
	rcv := startReceiver(t)
	env := map[string]string{"VOD_AUTH_KEY": vodKey}
	h, err := New(mustConfig(t, vodHookConfig(rcv.URL+"/vod")), Options{DryRun: true, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return hookNow }})
	if err != nil {
		t.Fatal(err)
	}
	headers := vodSigned("https://hooks.example.com/hooks/vod-fwd", hookNow, vodKey)
	if resp := answerHTTP(t, h, httpEvent("POST", "/hooks/vod-fwd", headers, []byte(vodDelete(vodVideo)), false)); resp.StatusCode != 200 {
		t.Fatalf("answered %d %s", resp.StatusCode, resp.Body)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.got) != 0 {
		t.Errorf("a dry run forwarded %d callbacks", len(rcv.got))
	}
}

// The summary line names at most 100 task IDs, and says how many it left
// out; the result has them all.
func TestSummaryBoundsTaskIDs(t *testing.T) {
	logs := &testfix.SyncBuffer{}
	ctx, sum := begin(context.Background(), slog.New(slog.NewJSONHandler(logs, nil)), time.Now())
	sum.res = &submit.Result{}
	for i := range 3 {
		call := vod.Call{Sent: true, Attempts: 1}
		for j := range 50 {
			call.TaskIDs = append(call.TaskIDs, fmt.Sprint(i*50+j))
		}
		sum.res.Calls = append(sum.res.Calls, call)
	}
	sum.end(ctx, time.Millisecond)
	var line struct {
		TaskIDs []string `json:"taskIds"`
		Omitted int      `json:"taskIdsOmitted"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line); err != nil || len(line.TaskIDs) != 100 || line.Omitted != 50 {
		t.Errorf("the summary line named %d task IDs and omitted %d (%v), want 100 and 50: %s", len(line.TaskIDs), line.Omitted, err, logs.String())
	}
}

// interloper is a shared store where another invocation holds quota
// between this one's reading and its first hold.
type interloper struct {
	store.Store
	take  store.Amount
	holds int
}

func (s *interloper) Hold(ctx context.Context, id string, need store.Amount, ttl time.Duration) (store.Ledger, bool, error) {
	s.holds++
	if s.holds == 1 {
		if _, ok, err := s.Store.Hold(ctx, "another invocation", s.take, ttl); !ok || err != nil {
			return store.Ledger{}, false, fmt.Errorf("the other invocation's hold: %v %v", ok, err)
		}
	}
	return s.Store.Hold(ctx, id, need, ttl)
}

// A plan is fitted again when other invocations took quota between its
// reading and its hold: 5 files planned as URLs against 2,000 left become
// their folder when only 2 URLs are left, and the second hold holds it.
func TestHoldIsRefittedWhenOthersTookQuota(t *testing.T) {
	srv := startFake(t, nil)
	opts := fakeOptions(t, srv, nil)
	st := &interloper{Store: store.NewMemory(store.MemoryOptions{}), take: store.Amount{URLs: 1998}}
	opts.Store = st
	h, err := New(mustConfig(t, planConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	var records [][2]string
	for i := range 5 {
		records = append(records, [2]string{"ObjectCreated:PutObject", fmt.Sprintf("images/gallery/%02d.png", i)})
	}
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 10*time.Second)
	defer cancel()
	res, err := handle(h, ctx, nativeEvent(records...))
	if err != nil {
		t.Fatalf("%v; result %+v", err, res)
	}
	got := refreshes(srv)
	if st.holds != 2 || len(got) != 1 || got[0].ObjectType != "Directory" {
		t.Fatalf("%d holds, refreshes %+v; want a second hold, of the folder as one directory", st.holds, got)
	}
}
