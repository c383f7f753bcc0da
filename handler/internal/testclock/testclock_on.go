//go:build vodrefresh_testclock

package testclock

import (
	"os"
	"strings"
	"time"
)

// Env names the file that holds the virtual time, as RFC 3339 with
// nanoseconds; a test writes it before each invocation.
const Env = "VODREFRESH_TEST_CLOCK"

// Clock returns a clock that reads the time from the file Env names, or
// nil when Env is not set.
func Clock() func() time.Time {
	path := os.Getenv(Env)
	if path == "" {
		return nil
	}
	return func() time.Time {
		b, err := os.ReadFile(path)
		if err != nil {
			return time.Now()
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
		if err != nil {
			return time.Now()
		}
		return t
	}
}
