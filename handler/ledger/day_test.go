package ledger

import (
	"testing"
	"time"
)

func TestQuotaDay(t *testing.T) {
	for _, tt := range []struct {
		now     time.Time
		day     string
		seconds int
	}{
		// 03:00 UTC is 11:00 in UTC+8: 13 hours to midnight there.
		{time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC), "2026-11-24", 13*3600 + 1},
		// 16:00 UTC is midnight in UTC+8: a new day, 24 hours to the next.
		{time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC), "2026-11-25", 24*3600 + 1},
		{time.Date(2026, 11, 24, 15, 59, 59, 0, time.UTC), "2026-11-24", 2},
	} {
		if got := Day(tt.now); got != tt.day {
			t.Errorf("Day(%s) = %s, want %s", tt.now, got, tt.day)
		}
		if got := SecondsToReset(tt.now); got != tt.seconds {
			t.Errorf("SecondsToReset(%s) = %d, want %d", tt.now, got, tt.seconds)
		}
	}
}
