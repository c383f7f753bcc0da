package webhook

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func TestDeliveries(t *testing.T) {
	d := NewDeliveries(time.Minute, 100)
	steps := []struct {
		do   string // reserve, done or release
		id   string
		at   time.Duration
		want Reservation
	}{
		{"reserve", "a", 0, Reserved},
		{"reserve", "a", time.Second, InProgress},
		{"done", "a", 2 * time.Second, 0},
		{"reserve", "a", 3 * time.Second, Handled},
		{"reserve", "a", 62 * time.Second, Reserved}, // the window is counted from when it was handled
		{"reserve", "b", 0, Reserved},
		{"release", "b", time.Second, 0},
		{"reserve", "b", 2 * time.Second, Reserved}, // a failed delivery is forgotten
	}
	for i, s := range steps {
		now := t0.Add(s.at)
		switch s.do {
		case "reserve":
			if got := d.Reserve(s.id, now); got != s.want {
				t.Errorf("step %d: Reserve(%s) = %d, want %d", i, s.id, got, s.want)
			}
		case "done":
			d.Done(s.id, now)
		case "release":
			d.Release(s.id)
		}
	}
}

// A full store evicts one entry per new ID, the least recently reserved:
// recording never sweeps the whole store, so its cost does not grow with
// the store's size (BenchmarkDeliveriesFull).
func TestDeliveriesEvictOneAtATime(t *testing.T) {
	const limit = 4
	d := NewDeliveries(time.Minute, limit)
	for i := range limit {
		d.Reserve(fmt.Sprint(i), t0) // all expired by the time the next comes
	}
	later := t0.Add(2 * time.Minute)
	for i := limit; i < 2*limit; i++ {
		if got := d.Reserve(fmt.Sprint(i), later); got != Reserved {
			t.Fatalf("Reserve(%d) = %d", i, got)
		}
		if n := d.Len(); n != limit {
			t.Fatalf("after %d new IDs the store holds %d, want %d: one eviction each", i-limit+1, n, limit)
		}
	}
	for i := limit; i < 2*limit; i++ {
		if got := d.Reserve(fmt.Sprint(i), later); got != InProgress {
			t.Errorf("ID %d was evicted before the older ones (%d)", i, got)
		}
	}
}

// BenchmarkDeliveriesFull reserves and marks handled a new ID in a store
// that is full of live ones, as a flood of distinct IDs keeps it.
func BenchmarkDeliveriesFull(b *testing.B) {
	const limit = 10000
	d := NewDeliveries(time.Hour, limit)
	for i := range limit {
		d.Reserve(fmt.Sprint("warm-", i), t0)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprint("id-", i)
		d.Reserve(id, t0)
		d.Done(id, t0)
	}
}
