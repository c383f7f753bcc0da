// Command vodrefresh keeps an ApsaraVideo VOD CDN fresh: on Function Compute
// it refreshes the URLs of changed OSS objects and answers CMS webhooks;
// locally it runs the same function on a saved event.
package main

import (
	"context"
	"log/slog"
	"os"
	"syscall"

	"vodrefresh/handler"
	"vodrefresh/handler/cli"
	"vodrefresh/handler/vod"
)

func main() {
	neutraliseSDKDebug()
	if os.Getenv("FC_RUNTIME_API") == "" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.OSEnv()))
	}
	handler.Start()
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
