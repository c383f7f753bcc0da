// Package handler is vodrefresh's entry on Function Compute: Start runs
// FC's runtime loop, handing each raw event to the function (package
// function), which it builds from the environment on the first
// invocation. It only wires; the command line (package cli) is the other
// entry, and calls the same function.
//
// It imports function (and internal/testclock, the system clock unless a
// test builds it otherwise), and nothing imports it but main.
package handler

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"vodrefresh/handler/function"
	"vodrefresh/handler/internal/testclock"
)

// invoker is the function as the runtime loop calls it: built, or broken.
type invoker interface {
	Invoke(context.Context, []byte) (function.Answer, error)
}

// Start runs FC's runtime loop; it does not return. Logs go to stdout as
// JSON lines, at LOG_LEVEL. The function is set up on the first
// invocation, not before the loop starts, so that a cold start reaches FC
// at once; a set-up that fails is logged, and every invocation then fails
// with it (function.Broken).
func Start() {
	fn := sync.OnceValue(func() invoker {
		level, lerr := function.ParseLevel(os.Getenv("LOG_LEVEL"))
		log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
		if lerr != nil {
			log.Warn("LOG_LEVEL ignored", "error", lerr.Error())
		}
		h, err := function.FromEnv(os.Getenv, function.Options{Logger: log, Now: testclock.Clock()})
		if err != nil {
			log.Error("set-up failed; every invocation will fail until it is fixed", "error", err.Error())
			return function.Broken{Err: err}
		}
		return h
	})
	// fc.StartHandler accepts only functions in fc-runtime-go-sdk v0.3.1,
	// despite its signature. A []byte argument receives the raw event; the
	// answer is encoded with encoding/json, once (fc/handler.go).
	fc.Start(func(ctx context.Context, event []byte) (function.Answer, error) {
		return fn().Invoke(ctx, event)
	})
}
