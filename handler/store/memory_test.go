package store

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// Memory's entries expire at their own times, on the clock of the bubble.
func TestMemoryExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		m := NewMemory(MemoryOptions{})
		k := KeyOf("ev", "/a.mp4")
		must(t, m.Mark(ctx, []Key{k}, time.Hour))
		must(t, m.RecordFolders(ctx, []string{"/d/"}, time.Now(), time.Hour))
		if d, _ := m.Reserve(ctx, "r", "k", 10*time.Minute); d != New {
			t.Fatalf("Reserve = %v, want New", d)
		}
		must(t, m.SetReading(ctx, reading(100, 1)))
		if _, ok, _ := m.Hold(ctx, "inv", Amount{URLs: 100}, 30*time.Minute); !ok {
			t.Fatal("Hold failed")
		}

		time.Sleep(10*time.Minute - time.Nanosecond)
		if d, _ := m.Reserve(ctx, "r", "k", 10*time.Minute); d != InProgress {
			t.Errorf("before the hold ends, Reserve = %v, want InProgress", d)
		}
		time.Sleep(time.Nanosecond)
		if d, _ := m.Reserve(ctx, "r", "k", 10*time.Minute); d != New {
			t.Errorf("once the hold ends, Reserve = %v, want New", d)
		}

		time.Sleep(20 * time.Minute) // 30 minutes in
		if l, _ := m.Ledger(ctx); l.Held != (Amount{}) {
			t.Errorf("after its ttl the hold still counts: %+v", l.Held)
		}

		time.Sleep(30*time.Minute - time.Nanosecond) // an hour less 1ns
		if seen, _ := m.Seen(ctx, []Key{k}); !seen[0] {
			t.Error("the key expired before its hour")
		}
		if got, _ := m.Folders(ctx, []string{"/d/"}); len(got) != 1 {
			t.Error("the folder was forgotten before its hour")
		}
		time.Sleep(time.Nanosecond)
		if seen, _ := m.Seen(ctx, []Key{k}); seen[0] {
			t.Error("the key outlived its hour")
		}
		if got, _ := m.Folders(ctx, []string{"/d/"}); len(got) != 0 {
			t.Error("the folder outlived its hour")
		}
		// An expired folder does not keep a later record out.
		must(t, m.RecordFolders(ctx, []string{"/d/"}, time.Unix(1, 0), time.Hour))
		if got, _ := m.Folders(ctx, []string{"/d/"}); !got["/d/"].Equal(time.Unix(1, 0)) {
			t.Errorf("Folders = %v, want /d/ at 1s after the epoch", got)
		}
	})
}

func TestMemoryBounds(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(MemoryOptions{RetryKeys: 10, Routes: 2, DeliveriesPerRoute: 5, Folders: 3})

	keys := make([]Key, 20)
	for i := range keys {
		keys[i] = KeyOf(fmt.Sprint(i))
	}
	must(t, m.Mark(ctx, keys, time.Hour))
	seen, _ := m.Seen(ctx, keys)
	if fmt.Sprint(seen[:10]) != fmt.Sprint(make([]bool, 10)) || !seen[10] || !seen[19] {
		t.Errorf("with room for 10 keys, Seen of 20 marked = %v; want the last 10", seen)
	}

	// A third route drops the least recently used route's share.
	for _, r := range []string{"a", "b", "a", "c"} {
		m.Reserve(ctx, r, "k", time.Hour)
	}
	if d, _ := m.Reserve(ctx, "a", "k", time.Hour); d != InProgress {
		t.Errorf("route a (recently used) lost its share: %v", d)
	}
	if d, _ := m.Reserve(ctx, "b", "k", time.Hour); d != New {
		t.Errorf("route b (least recently used) kept its share past the bound: %v", d)
	}

	folders := []string{"/1/", "/2/", "/3/", "/4/"}
	must(t, m.RecordFolders(ctx, folders, time.Now(), time.Hour))
	got, _ := m.Folders(ctx, folders)
	if _, ok := got["/1/"]; ok || len(got) != 3 {
		t.Errorf("with room for 3 folders, Folders = %v; want the last 3", got)
	}
}

func TestMemoryDefaults(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	want := MemoryOptions{RetryKeys: DefaultRetryKeys, Routes: DefaultRoutes, DeliveriesPerRoute: DefaultDeliveriesPerRoute, Folders: DefaultFolders, Values: DefaultValues}
	if m.opts != want {
		t.Errorf("NewMemory(zero) bounds = %+v, want %+v", m.opts, want)
	}
	if m.Kind() != "memory" || m.Close() != nil {
		t.Error("Memory's Kind is not memory, or Close fails")
	}
}
