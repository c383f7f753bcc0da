//go:build race

package e2e

// raceEnabled builds the function under -race too, when the tests run so.
const raceEnabled = true
