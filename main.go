// Command vodrefresh keeps an ApsaraVideo VOD CDN fresh: on Function Compute
// it refreshes the URLs of changed OSS objects; locally it runs the same
// function on a saved event.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aliyun/fc-runtime-go-sdk/fc"

	"vodrefresh/handler"
	"vodrefresh/handler/cli"
)

func main() {
	if os.Getenv("FC_RUNTIME_API") == "" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.OSEnv()))
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	var fn fc.Handler
	h, err := handler.FromEnv(os.Getenv, handler.Options{Logger: log})
	if err != nil {
		log.Error("set-up failed; every invocation will fail until it is fixed", "error", err.Error())
		fn = handler.Broken{Err: err}
	} else {
		fn = h
	}
	fc.StartHandler(fn)
}
