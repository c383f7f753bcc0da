package ledger

import "time"

// quotaZone is where the daily refresh quota resets at midnight (UTC+8).
var quotaZone = time.FixedZone("UTC+8", 8*3600)

// Day names the quota day that t falls in: its date in UTC+8.
func Day(t time.Time) string { return t.In(quotaZone).Format(time.DateOnly) }

// SecondsToReset returns how many seconds after now the daily quota
// resets, at the next midnight in UTC+8, rounded up.
func SecondsToReset(now time.Time) int {
	t := now.In(quotaZone)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, quotaZone)
	return int(next.Sub(t).Seconds()) + 1
}

// Hour returns the hour of the quota day (UTC+8) that t falls in.
func Hour(t time.Time) int { return t.In(quotaZone).Hour() }

// Reset returns when the quota day that now falls in ends: the next
// midnight in UTC+8.
func Reset(now time.Time) time.Time {
	t := now.In(quotaZone)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, quotaZone)
}

// DayStart returns when the quota day that now falls in began: the last
// midnight in UTC+8.
func DayStart(now time.Time) time.Time {
	t := now.In(quotaZone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, quotaZone)
}
