package e2e

import (
	"context"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/testfix"
)

// The day of handler/day_test.go through the real binary under the
// runtime API emulator, against the fake VOD holding the real daily quota:
// one record per invocation, 10 in flight, and then, on a fresh instance
// and quota, through the MNS queue trigger's batches of 1,000.
func TestDay(t *testing.T) {
	day := testfix.Day()
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.Native(i)
	}
	for _, tt := range []struct {
		how              string
		events           [][]byte
		inFlight         int
		wantURLs, wantDs int
	}{
		{"one record per invocation", events, 10, 160, 6},
		{"batched through MNS", testfix.Batches(day, 1000), 1, 40, 7},
	} {
		t.Run(tt.how, func(t *testing.T) {
			r := newRig(t, config, nil)
			queue := make(chan []byte)
			go func() {
				defer close(queue)
				for _, ev := range tt.events {
					queue <- ev
				}
			}()
			failed := make([]int, tt.inFlight)
			testfix.Parallel(tt.inFlight, func(w int) {
				for ev := range queue {
					if !r.invokeDay(ev) {
						failed[w]++
					}
				}
			})
			for w, n := range failed {
				if n > 0 {
					t.Errorf("worker %d: %d invocations failed", w, n)
				}
			}
			files, folders, urls, dirs := map[string]bool{}, []string{}, 0, 0
			for _, q := range r.refreshes() {
				for _, p := range q.Paths {
					if q.ObjectType == "Directory" {
						folders, dirs = append(folders, p), dirs+1
					} else {
						files[p], urls = true, urls+1
					}
				}
			}
			if stale := testfix.Stale(day, files, folders); len(stale) > 0 {
				t.Errorf("%d changes left stale, such as %s", len(stale), stale[0])
			}
			if u, d, _ := r.vod.Quota(); urls != tt.wantURLs || dirs != tt.wantDs || 2000-u != urls || 100-d != dirs {
				t.Errorf("sent %d URLs and %d directories, spent %d and %d; want %d and %d", urls, dirs, 2000-u, 100-d, tt.wantURLs, tt.wantDs)
			}
		})
	}
}

// invokeDay runs one of the day's events with the invocation's STS
// credentials, and reports whether it succeeded.
func (r *rig) invokeDay(event []byte) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o, err := r.emu.Invoke(ctx, event, fcemu.Invocation{Credentials: fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}})
	return err == nil && o.Error == nil
}
