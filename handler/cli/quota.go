package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"vodrefresh/handler/vod"
)

// quota prints the remaining refresh quota as JSON.
func quota(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("quota", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	timeout := fs.Duration("timeout", 15*time.Second, "deadline for the call")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(env.Stderr, "usage: vodrefresh quota [--timeout 15s]")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	v, err := connect(ctx, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	q, err := v.Quota(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	b, _ := json.Marshal(q)
	fmt.Fprintf(env.Stdout, "%s\n", b)
	return 0
}

// connect makes a VOD client from the environment: VOD_ENDPOINT and the
// credentials, as invoke uses them.
func connect(ctx context.Context, env Env) (vod.Client, error) {
	ep, err := vod.ParseEndpoint(env.Getenv(vod.EnvEndpoint))
	if err != nil {
		return nil, err
	}
	return vod.NewConnector(ep).Dial(ctx, env.Getenv)
}
