package function

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// BenchmarkPlanBacklog10k is one run of the planner with 10,000 changes
// pending: 400 settled folders of 20, and 2,000 files that no folder
// covers. Its floor is 5 s a run, half of FC's default timeout: the
// planner must answer well within a minute's tick. It runs on the
// in-process store and on a real redis-server.
func BenchmarkPlanBacklog10k(b *testing.B) {
	now := time.Date(2026, 11, 24, 16, 5, 0, 0, time.UTC) // 00:05 in UTC+8, after the reset
	var items []store.Pending
	for i := range 8000 {
		at := now.Add(-10 * time.Minute)
		items = append(items, store.Pending{ID: fmt.Sprintf("e%05d", i), Path: fmt.Sprintf("https://img.example.com/images/f%03d/%02d.jpg", i/20, i%20),
			Folder: fmt.Sprintf("https://img.example.com/images/f%03d/", i/20), Changed: at, Since: at})
	}
	for i := range 2000 {
		at := now.Add(-3 * time.Minute)
		items = append(items, store.Pending{ID: fmt.Sprintf("o%05d", i), Path: fmt.Sprintf("https://img.example.com/o%04d.jpg", i), Changed: at, Since: at})
	}
	stores := map[string]func(b *testing.B) store.Store{
		"memory": func(*testing.B) store.Store { return store.NewMemory(store.MemoryOptions{}) },
		"redis": func(b *testing.B) store.Store {
			s, err := store.OpenRedis(redistest.Start(b).URL(4))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"memory", "redis"} {
		b.Run("store="+name, func(b *testing.B) {
			st := stores[name](b)
			account := &vodmem.Client{}
			h, err := New(mustConfig(b, string(mustRead("testdata/day.yaml"))), Options{Connector: account, Store: st, Now: func() time.Time { return now },
				Backoff: vod.Backoff{Attempts: 1}})
			if err != nil {
				b.Fatal(err)
			}
			event := timerEvent(now)
			for b.Loop() {
				b.StopTimer()
				account.Remain = vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}
				if err := st.Forget(context.Background()); err != nil {
					b.Fatal(err)
				}
				if err := st.AddPending(context.Background(), items); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := handle(h, context.Background(), event)
				// At 00:05 the reserve is 200 URLs and 10 directories:
				// 90 folders get a directory, and 1,800 paths a URL.
				if err != nil || res.Planner == nil || res.Planner.Directories != 90 || res.Planner.URLs != 1800 || res.Planner.Error != "" {
					b.Fatalf("the run: %+v, %v", res.Planner, err)
				}
			}
		})
	}
}
