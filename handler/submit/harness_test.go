package submit_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// The harness drives the real Stage the way the function does: the real
// planner makes and fits the plan, a ledger kept in an in-memory store
// holds the quota, and vodmem is the VOD account.

// now is the stage's clock in every test: a fixed instant, so that the
// quota reading stays fresh for the whole test.
var now = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// quick retries a failed call up to 3 times with no pause between tries,
// and never needs to poll: vodmem's tasks are complete when made.
var quick = vod.Backoff{Attempts: 3}

// Two VOD media IDs, as VOD spells them: 32 lower-case hex characters.
const (
	videoA = "4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d"
	videoB = "0123456789abcdef0123456789abcdef"
)

// cdn is the URL of key in the test configuration's CDN domain.
func cdn(key string) string { return "https://cdn.example.com/" + key }

// folderOf is a video's folder, as the playUrls routes' template makes it.
func folderOf(id string) string { return "https://vod.example.com/" + id + "/" }

var discard = slog.New(slog.DiscardHandler)

// planner is the real planner of testdata/submit.yaml, with the
// configuration it was compiled from.
func planner(t testing.TB) (*refresh.Planner, *config.Config) {
	t.Helper()
	b, err := os.ReadFile("testdata/submit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, string(b))
}

// compile parses and compiles a configuration document.
func compile(t testing.TB, doc string) (*refresh.Planner, *config.Config) {
	t.Helper()
	cfg, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := refresh.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pl, cfg
}

// record is an OSS record of the bucket "media" whose key came raw.
func record(name, key string) event.ObjectEvent {
	ev := event.ObjectEvent{EventName: name, Bucket: "media", Key: key, RawKey: key}
	ev.Change, ev.NoChange = event.Classify(name)
	return ev
}

// put is an object created; del an object deleted.
func put(key string) event.ObjectEvent { return record("ObjectCreated:PutObject", key) }
func del(key string) event.ObjectEvent { return record("ObjectRemoved:DeleteObject", key) }

// puts are objects created, one per key.
func puts(keys ...string) []event.ObjectEvent {
	out := make([]event.ObjectEvent, len(keys))
	for i, k := range keys {
		out[i] = put(k)
	}
	return out
}

// indexed numbers records as an event's records are numbered.
func indexed(records ...event.ObjectEvent) []event.ObjectEvent {
	for i := range records {
		records[i].Index = i
	}
	return records
}

// purge asks the webhook route at path to purge each video, as VOD's
// PurgeVideo message does: one item standing for the video's folder.
func purge(t testing.TB, cfg *config.Config, path string, ids ...string) []refresh.Reported {
	t.Helper()
	var route *config.WebhookRoute
	for i := range cfg.Webhooks {
		if cfg.Webhooks[i].Path == path {
			route = &cfg.Webhooks[i]
		}
	}
	if route == nil {
		t.Fatalf("no webhook route %s", path)
	}
	var out []refresh.Reported
	for _, id := range ids {
		out = append(out, refresh.Reported{Route: route,
			Change: change.Change{Event: "vodrefresh.PurgeVideo", Items: []change.Fields{change.VideoFolder(id)}}})
	}
	return out
}

// plan plans the input with the real planner.
func plan(t testing.TB, pl *refresh.Planner, in refresh.Input) *refresh.Plan {
	t.Helper()
	p, err := pl.Plan(context.Background(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fit fits p to room; fitting must succeed.
func fit(t testing.TB, pl *refresh.Planner, p *refresh.Plan, room refresh.Room) *refresh.Fitted {
	t.Helper()
	f, err := pl.Fit(context.Background(), p, room)
	if err != nil {
		t.Fatalf("fitting the plan to %+v: %v", room, err)
	}
	return f
}

// rig is one test's world: the VOD account, the store and the ledger
// kept in it, and the stage that sends through them.
type rig struct {
	vod    *vodmem.Client
	store  store.Store
	ledger *ledger.Ledger
	stage  *submit.Stage
}

// newRig makes a stage that sends through c (a full account when nil),
// with the quota held in a fresh in-memory ledger.
func newRig(c *vodmem.Client) *rig {
	if c == nil {
		c = &vodmem.Client{}
	}
	st := store.NewMemory(store.MemoryOptions{})
	return rigOn(c, c, st)
}

// rigOn makes a stage that dials d, with its ledger kept in st.
func rigOn(c *vodmem.Client, d vod.Dialer, st store.Store) *rig {
	l := ledger.New(st)
	return &rig{vod: c, store: st, ledger: l, stage: submit.New(submit.Options{Dialer: d, Backoff: quick,
		QuotaTTL: time.Minute, Now: clock, Ledger: l})}
}

// sent is what one invocation did through a rig.
type sent struct {
	res  *submit.Result
	sent submit.Sent
	err  error
	// quota is what the invocation read, before fitting.
	quota submit.QuotaInfo
}

// invoke runs one invocation as the function does: it reads the quota,
// fits the plan to what the ledger leaves, holds what the fitted plan
// spends, and sends it.
func (r *rig) invoke(t testing.TB, pl *refresh.Planner, p *refresh.Plan) sent {
	t.Helper()
	ctx := context.Background()
	res := &submit.Result{}
	inv := r.stage.Begin(vod.STS{}, discard, res)
	q, shared, err := inv.Quota(ctx)
	if err != nil {
		t.Fatal(err)
	}
	read := *q
	room := refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain}
	if shared {
		a, err := r.ledger.Room(ctx)
		if err != nil {
			t.Fatal(err)
		}
		room = refresh.Room{URLs: a.URLs, Dirs: a.Dirs}
	}
	f := fit(t, pl, p, room)
	var hold *ledger.Reservation
	if shared {
		var left store.Amount
		if hold, left, err = r.ledger.Hold(ctx, store.Amount{URLs: f.URLs, Dirs: f.Dirs}, store.Amount{URLs: room.URLs, Dirs: room.Dirs}); hold == nil || err != nil {
			t.Fatalf("holding %d URLs and %d directories: %v (%+v left)", f.URLs, f.Dirs, err, left)
		}
	}
	s, err := inv.Send(ctx, f, hold)
	return sent{res: res, sent: s, err: err, quota: read}
}

// room is what the rig's ledger leaves to plan with.
func (r *rig) room(t testing.TB) store.Amount {
	t.Helper()
	a, err := r.ledger.Room(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// book is the rig's ledger as the store keeps it.
func (r *rig) book(t testing.TB) store.Ledger {
	t.Helper()
	l, err := r.store.Ledger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// callCounts are the calls vodmem answered, by action; absent ones are 0.
type callCounts map[string]int

// actions are every action vodmem answers.
var actions = []string{"RefreshVodObjectCaches", "PreloadVodObjectCaches", "DescribeVodRefreshQuota",
	"DescribeVodRefreshTasks", "RefreshMediaPlayUrls", "GetMediaRefreshJobs"}

// checkCalls fails the test unless c answered exactly want.
func checkCalls(t testing.TB, c *vodmem.Client, want callCounts) {
	t.Helper()
	for _, a := range actions {
		if got := c.Calls(a); got != want[a] {
			t.Errorf("%d %s calls reached VOD, want %d", got, a, want[a])
		}
	}
}

// statuses are the result's paths as "status path [taskId|code]".
func statuses(res *submit.Result) []string {
	var out []string
	for _, p := range res.Paths {
		s := p.Status + " " + p.ObjectType + " " + p.Path
		if p.TaskID != "" {
			s += " task=" + p.TaskID
		}
		if p.Code != "" {
			s += " code=" + p.Code
		}
		out = append(out, s)
	}
	return out
}

// apiError is a VOD error answer, as the SDK reports it.
func apiError(action, code string) error {
	return &vod.APIError{Action: action, Code: code, HTTPStatus: 400, Message: "injected " + code}
}

// failing answers each call of action with code, and the others as vodmem
// does; objectType, when set, limits it to calls of that object type.
func failing(action, objectType, code string) func(vodmem.Call) error {
	return func(c vodmem.Call) error {
		if c.Action == action && (objectType == "" || c.ObjectType == objectType) {
			return apiError(action, code)
		}
		return nil
	}
}

// noGoType fails the test if msg looks like Go formatting leaked into an
// operator's message.
func noGoType(t testing.TB, msg string) {
	t.Helper()
	for _, leak := range []string{"*vod.", "vod.Call", "vod.Outcome", "vod.APIError", "submit.Error", "refresh.QuotaError", "&{", "%!", "<nil>", "0x"} {
		if strings.Contains(msg, leak) {
			t.Errorf("the message names Go internals (%q): %s", leak, msg)
		}
	}
}

// asSubmitError returns err as a *submit.Error, failing the test if it is not.
func asSubmitError(t testing.TB, err error) *submit.Error {
	t.Helper()
	var se *submit.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *submit.Error", err, err)
	}
	return se
}
