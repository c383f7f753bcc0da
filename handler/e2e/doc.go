// Package e2e holds the end-to-end tests: they build the real vodrefresh
// binary, start it the way Function Compute does (FC_RUNTIME_API pointing
// at an emulator of the runtime API), point it at a fake VOD API, and drive
// it with real events. It also holds the benchmarks that compare the binary
// with the smallest possible FC function.
//
// It imports only the test servers under internal/; the function itself is
// reached as a compiled binary, never imported.
package e2e
