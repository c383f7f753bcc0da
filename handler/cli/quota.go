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
	timeout := fs.Duration("timeout", 15*time.Second, "deadline for the call")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	return withClient(ctx, env, *timeout, func(ctx context.Context, v vod.Client) int {
		q, err := v.Quota(ctx)
		if err != nil {
			fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
			return 1
		}
		b, _ := json.Marshal(q)
		fmt.Fprintf(env.Stdout, "%s\n", b)
		return 0
	})
}

// withClient runs fn with a VOD client made from the environment, within
// timeout, and returns its exit code; 1 when no client can be made.
func withClient(ctx context.Context, env Env, timeout time.Duration, fn func(context.Context, vod.Client) int) int {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := connect(ctx, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	return fn(ctx, v)
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
