package function

import (
	"context"
	"fmt"
	"testing"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/vod"
)

// BenchmarkInvoke10k runs whole invocations in-process against the
// in-memory VOD, each a 10,000-record OSS event: 10,000 images in 40
// folders, with quota for every URL; and 10,000 images each in a folder of
// its own, on the daily quota, which folds them into directories. Floor:
// at most 30 MB allocated, and under 100 ms, an invocation.
func BenchmarkInvoke10k(b *testing.B) {
	for _, tt := range []struct {
		name    string
		folders int
		quota   string
		remain  vod.Quota
	}{
		{"40-folders", 40, "quota: {maxUrlShare: 1}\n", vod.Quota{URLRemain: 1 << 30, DirRemain: 1 << 30}},
		{"one-per-folder", 10000, "", vod.Quota{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			keys := make([]string, 10000)
			for i := range keys {
				keys[i] = fmt.Sprintf("images/set-%d/photo %d.jpg", i%tt.folders, i)
			}
			recs := make([][2]string, len(keys))
			for i, k := range keys {
				recs[i] = [2]string{"ObjectCreated:PutObject", k}
			}
			// Each record has an identity, so that the retry memory
			// records what was submitted.
			event := ossEvent("req-1", recs)
			cfg := mustConfig(b, tt.quota+planConfig)
			b.ReportAllocs()
			for b.Loop() {
				// A fresh instance each time: its retry memory would
				// otherwise skip what the last loop submitted.
				c := &vodmem.Client{Remain: tt.remain}
				h, err := New(cfg, Options{Connector: c})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := invokeJSON(h, context.Background(), event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
