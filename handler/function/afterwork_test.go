package function

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"vodrefresh/handler/store"
)

// stuckWrites is a store whose writes that outlive the work (settling,
// remembering, tracking, counting) each hang as a store that stopped
// answering does: until their context ends, or for up to a second, the
// store's own bound on one operation.
type stuckWrites struct {
	store.Store
	calls atomic.Int64
}

func (s *stuckWrites) hang(ctx context.Context) error {
	s.calls.Add(1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(store.OpTimeout):
		return context.DeadlineExceeded
	}
}

func (s *stuckWrites) Mark(ctx context.Context, _ []store.Key, _ time.Duration) error {
	return s.hang(ctx)
}

func (s *stuckWrites) Settle(ctx context.Context, _ string, _ store.Amount, _ int, _ time.Time) error {
	return s.hang(ctx)
}

func (s *stuckWrites) RecordFolders(ctx context.Context, _ []string, _ time.Time, _ time.Duration) error {
	return s.hang(ctx)
}

func (s *stuckWrites) Track(ctx context.Context, _ []store.Tracked) error { return s.hang(ctx) }

func (s *stuckWrites) Count(ctx context.Context, _ store.Key, _ map[string]int, _ time.Duration) error {
	return s.hang(ctx)
}

func (s *stuckWrites) SetValue(ctx context.Context, _ store.Key, _ string, _ time.Duration) error {
	return s.hang(ctx)
}

// The writes made after a refresh was sent share one budget inside the
// answer margin: with a store that hangs on each of them, the invocation
// still answers before its deadline, and its refresh is accounted as sent.
func TestWritesAfterTheWorkShareOneBudget(t *testing.T) {
	srv := startFake(t, nil)
	opts := fakeOptions(t, srv, nil)
	st := &stuckWrites{Store: store.NewMemory(store.MemoryOptions{})}
	opts.Store = st
	h, err := New(mustConfig(t, planConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := handleWithin(t, h, 2*time.Second, "images/a.png")
	if len(res.Calls) != 1 || !res.Calls[0].Sent {
		t.Fatalf("calls %+v; want the one refresh sent", res.Calls)
	}
	if n := st.calls.Load(); n < 2 {
		t.Fatalf("%d writes reached the store after the work; want the hold's settling, the memory of what was sent and more", n)
	}
}
