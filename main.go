// Command vodrefresh keeps an ApsaraVideo VOD CDN fresh: on Function Compute
// it refreshes the URLs of changed OSS objects and answers CMS webhooks;
// locally it runs the same function on a saved event.
package main

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"syscall"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"vodrefresh/handler"
	"vodrefresh/handler/cli"
	"vodrefresh/handler/vod"
)

func main() {
	neutraliseSDKDebug()
	if os.Getenv("FC_RUNTIME_API") == "" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.OSEnv()))
	}
	// The function is set up on the first invocation, not before the
	// runtime loop starts, so that a cold start reaches FC at once.
	fn := sync.OnceValue(func() interface {
		Invoke(context.Context, []byte) (handler.Answer, error)
	} {
		level, lerr := handler.ParseLevel(os.Getenv("LOG_LEVEL"))
		log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
		if lerr != nil {
			log.Warn("LOG_LEVEL ignored", "error", lerr.Error())
		}
		h, err := handler.FromEnv(os.Getenv, handler.Options{Logger: log})
		if err != nil {
			log.Error("set-up failed; every invocation will fail until it is fixed", "error", err.Error())
			return handler.Broken{Err: err}
		}
		return h
	})
	// fc.StartHandler accepts only functions in fc-runtime-go-sdk v0.3.1,
	// despite its signature. A []byte argument receives the raw event; the
	// answer is encoded with encoding/json, once (fc/handler.go).
	fc.Start(func(ctx context.Context, event []byte) (handler.Answer, error) {
		return fn().Invoke(ctx, event)
	})
}

// neutraliseSDKDebug restarts the process without "sdk" in DEBUG, after a
// warning that says why. The SDK reads DEBUG while its packages are
// initialised, before main runs, and then prints every signed request,
// security token and signature included; only a new process is rid of it.
// If the process cannot be restarted, it stops rather than print secrets.
func neutraliseSDKDebug() {
	env, found := vod.WithoutSDKDebug(os.Environ())
	if !found {
		return
	}
	out := os.Stderr // the CLI's logs; on FC, logs go to stdout
	if os.Getenv("FC_RUNTIME_API") != "" {
		out = os.Stdout
	}
	log := slog.New(slog.NewJSONHandler(out, nil))
	log.Warn(vod.SDKDebugWarning)
	exe, err := os.Executable()
	if err == nil {
		err = syscall.Exec(exe, os.Args, env)
	}
	log.Error("cannot restart without DEBUG=sdk; remove it from the environment", "error", err.Error())
	os.Exit(1)
}
