package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"vodrefresh/handler/function"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// quota prints the remaining refresh quota as JSON, and, with a shared
// store (REFRESH_STORE_URL), the backlog of scarce days. It makes one call,
// which the SDK bounds by vod.DefaultRequestTimeout: --timeout defaults to
// that, and a longer one is refused rather than cut short unannounced.
func quota(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("quota", flag.ContinueOnError)
	timeout := fs.Duration("timeout", vod.DefaultRequestTimeout, "deadline for the call, at most the SDK's per-call timeout")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	if *timeout <= 0 || *timeout > vod.DefaultRequestTimeout {
		fmt.Fprintf(env.Stderr, "vodrefresh quota: --timeout %s: want more than 0 and at most %s, the longest one DescribeVodRefreshQuota call may take\n", *timeout, vod.DefaultRequestTimeout)
		return 2
	}
	return withClient(ctx, env, *timeout, func(ctx context.Context, v vod.Client) int {
		q, err := v.Quota(ctx)
		if err != nil {
			return callFailed(env.Stderr, err)
		}
		out := quotaReport{Quota: q}
		out.Pending = backlogOf(ctx, env)
		b, _ := json.Marshal(out)
		fmt.Fprintf(env.Stdout, "%s\n", b)
		return 0
	})
}

// quotaReport is what quota prints: the quota left today and, with a
// shared store, the backlog of scarce days.
type quotaReport struct {
	vod.Quota
	// Pending is how many changes wait for the planner; nil without a
	// shared store (REFRESH_STORE_URL), or when it cannot be read.
	Pending *int `json:"pending,omitempty"`
}

// backlogOf reads how many changes wait for the planner of scarce days,
// from the store that REFRESH_STORE_URL names; nil when it is not set or
// cannot be read (said on stderr).
func backlogOf(ctx context.Context, env Env) *int {
	url := env.Getenv(function.EnvStoreURL)
	if url == "" {
		return nil
	}
	s, err := store.OpenRedis(url)
	if err == nil {
		defer s.Close()
		var n int
		if n, err = s.PendingCount(ctx); err == nil {
			return &n
		}
	}
	fmt.Fprintf(env.Stderr, "vodrefresh quota: the backlog: %v\n", err)
	return nil
}

// withClient runs fn with a VOD client made from the environment, within
// timeout, and returns its exit code; 1 when no client can be made.
func withClient(ctx context.Context, env Env, timeout time.Duration, fn func(context.Context, vod.Client) int) int {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := connect(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	return fn(ctx, v)
}

// connect makes a VOD client from the environment: VOD_ENDPOINT and the
// credentials, as invoke uses them.
func connect(env Env) (vod.Client, error) {
	ep, err := vod.ParseEndpoint(env.Getenv(vod.EnvEndpoint))
	if err != nil {
		return nil, err
	}
	return vod.NewConnector(ep, env.Getenv).Dial(vod.STS{})
}
