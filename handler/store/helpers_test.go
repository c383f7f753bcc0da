package store

import (
	"strconv"
	"testing"
	"time"
)

// eventually polls cond every 10ms for at most 5s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not within 5s", what)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// reading is a quota reading of urls and dirs, at a fixed time.
func reading(urls, dirs int) Reading {
	return Reading{URLRemain: urls, DirRemain: dirs, PreloadRemain: 7, At: time.Unix(1700000000, 123456789)}
}

func itoa(n int) string { return strconv.Itoa(n) }
