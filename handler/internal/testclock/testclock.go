//go:build !vodrefresh_testclock

// Package testclock lets the end-to-end tests play a day on a virtual
// clock through the compiled binary. Only a binary built with the tag
// vodrefresh_testclock reads the clock from the file that
// VODREFRESH_TEST_CLOCK names; every other build, the shipped one
// included, runs on the system clock, and Clock returns nil.
package testclock

import "time"

// Clock returns nil: the function's default, the system clock.
func Clock() func() time.Time { return nil }
