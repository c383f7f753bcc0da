package history

import (
	"cmp"
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// What Remember records is what a retry of the same event is spared: the
// paths its sent calls carried, and those a directory covered when that
// directory's call was sent; not those of unsent calls, nor the paths of
// tasks that failed. The changes' times are unknown here, so only the
// retry memory answers, not the folder memory.
func TestRememberThenRecall(t *testing.T) {
	const (
		dir     = "https://img.example.com/set/"
		inDir1  = "https://img.example.com/set/a.jpg"
		inDir2  = "https://img.example.com/set/b.jpg"
		file    = "https://img.example.com/c.jpg"
		another = "https://img.example.com/d.jpg"
	)
	fitted := func() *refresh.Fitted {
		return &refresh.Fitted{
			Plan: &refresh.Plan{Origins: map[string][]string{
				dir: {"ev-1"}, inDir1: {"ev-1"}, inDir2: {"ev-2"}, file: {"ev-1", "ev-3"}, another: {"ev-4"},
			}},
			Coalesced: []refresh.Coalesced{{Directory: dir, Paths: []string{inDir1, inDir2}}},
		}
	}
	asked := []refresh.Question{q("ev-1", inDir1), q("ev-2", inDir2), q("ev-1", file), q("ev-3", file), q("ev-4", another), q("ev-1", dir)}
	for _, tt := range []struct {
		name  string
		calls []vod.Call
		err   error
		want  []refresh.Question
	}{
		{
			name: "all sent",
			calls: []vod.Call{
				{ObjectType: config.TypeDirectory, Paths: []string{dir}, Sent: true},
				{ObjectType: config.TypeFile, Paths: []string{file, another}, Sent: true},
			},
			want: asked,
		},
		{
			name: "the directory not sent",
			calls: []vod.Call{
				{ObjectType: config.TypeDirectory, Paths: []string{dir}},
				{ObjectType: config.TypeFile, Paths: []string{file, another}, Sent: true},
			},
			want: []refresh.Question{q("ev-1", file), q("ev-3", file), q("ev-4", another)},
		},
		{
			name: "the files not sent",
			calls: []vod.Call{
				{ObjectType: config.TypeDirectory, Paths: []string{dir}, Sent: true},
				{ObjectType: config.TypeFile, Paths: []string{file, another}},
			},
			want: []refresh.Question{q("ev-1", inDir1), q("ev-2", inDir2), q("ev-1", dir)},
		},
		{
			name: "a file's task and the directory's failed",
			calls: []vod.Call{
				{ObjectType: config.TypeDirectory, Paths: []string{dir}, Sent: true},
				{ObjectType: config.TypeFile, Paths: []string{file, another}, Sent: true},
			},
			err:  &vod.TaskError{Failed: []vod.Task{{TaskID: "1", ObjectPath: file}, {TaskID: "2", ObjectPath: dir}}},
			want: []refresh.Question{q("ev-4", another)},
		},
		{
			name: "a file's path is also a directory's, sent as a file",
			calls: []vod.Call{
				{ObjectType: config.TypeFile, Paths: []string{dir}, Sent: true},
			},
			want: []refresh.Question{q("ev-1", dir)},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := New(store.NewMemory(store.MemoryOptions{}), time.Now)
			log := slog.New(slog.DiscardHandler)
			h.Remember(context.Background(), fitted(), tt.calls, time.Now(), tt.err, log)
			seen, hold := h.Recall(context.Background(), asked, nil, log)
			if hold != nil {
				t.Fatalf("held back: %v", hold)
			}
			got := slices.Collect(maps.Keys(seen))
			order := func(a, b refresh.Question) int {
				return cmp.Or(strings.Compare(a.ID, b.ID), strings.Compare(a.Path, b.Path))
			}
			slices.SortFunc(got, order)
			want := slices.SortedFunc(slices.Values(tt.want), order)
			if !slices.Equal(got, want) {
				t.Fatalf("remembered %v\nwant       %v", got, want)
			}
		})
	}
}

// q is the question whether event id's earlier attempts submitted path.
func q(id, path string) refresh.Question { return refresh.Question{ID: id, Path: path} }
