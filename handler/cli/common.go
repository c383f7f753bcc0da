package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"time"

	"vodrefresh/handler/function"
	"vodrefresh/handler/vod"
)

// common holds the flags that invoke and serve share, and which routes
// are in use.
type common struct {
	send         bool
	timeout      time.Duration
	replayWindow time.Duration
	// oneRoute says that only route is in use ("" for none), as when
	// invoke runs one event: the function's log leaves out what it says
	// about the others (see cliLog).
	oneRoute bool
	route    string
}

func commonFlags(fs *flag.FlagSet) *common {
	c := &common{}
	fs.BoolVar(&c.send, "send", false, "refresh for real, spending the account's refresh quota (default: a dry run that sends nothing)")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "deadline for an invocation, as FC's function timeout")
	fs.DurationVar(&c.replayWindow, "replay-window", 0, "accept webhook timestamps this far from now, for running saved samples (default: each route's own)")
	return c
}

// runner is what invoke and serve run: the function, the paths of its
// webhook routes, and its logger.
type runner struct {
	invoker
	routes  []string // the webhook routes' paths
	maxBody int64    // the largest request body, http.maxBodyBytes
	log     *slog.Logger
}

// runner builds what invoke and serve run. Without --send it is a dry
// run, made with no VOD connector, so nothing is sent or read whatever
// credentials the environment holds. With --send it is the function behind
// a dry run that says on stderr what each event will spend. On failure it
// returns nil and the exit code.
func (c *common) runner(env Env) (*runner, int) {
	if c.timeout <= 0 {
		fmt.Fprintln(env.Stderr, "vodrefresh: --timeout must be positive")
		return nil, 2
	}
	level, err := function.ParseLevel(env.Getenv("LOG_LEVEL"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return nil, 2
	}
	log := slog.New(&cliLog{Handler: slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}), oneRoute: c.oneRoute, route: c.route})
	if c.send && !vod.HasEnvCredentials(env.Getenv) {
		fmt.Fprintf(env.Stderr, "vodrefresh: --send: %v\n", vod.ErrNoCredentials)
		return nil, 1
	}
	fn, h, err := c.build(env, log)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", everyProblem(env.Getenv, err))
		return nil, 1
	}
	if !c.send {
		fmt.Fprintln(env.Stderr, "vodrefresh: dry run: nothing will be sent (--send refreshes for real)")
	}
	return &runner{invoker: fn, routes: h.Routes(), maxBody: int64(h.MaxBodyBytes()), log: log}, 0
}

// build makes the handlers: the dry run alone, or, with --send, the dry
// run (logging nothing) in front of the function that sends; and the
// handler whose routes and limits they serve.
func (c *common) build(env Env, log *slog.Logger) (invoker, *function.Handler, error) {
	opts := function.Options{DryRun: true, Logger: log, ReplayWindow: c.replayWindow}
	if !c.send {
		h, err := function.FromEnv(env.Getenv, opts)
		if err != nil {
			return nil, nil, err
		}
		return encoded{h}, h, nil
	}
	opts.DryRun = false
	live, err := function.FromEnv(env.Getenv, opts)
	if err != nil {
		return nil, nil, err
	}
	opts.DryRun, opts.Logger = true, slog.New(slog.DiscardHandler)
	dry, err := function.FromEnv(env.Getenv, opts)
	if err != nil {
		return nil, nil, err
	}
	ep, err := vod.ParseEndpoint(env.Getenv(vod.EnvEndpoint))
	if err != nil {
		return nil, nil, err
	}
	return &previewed{dry: encoded{dry}, live: encoded{live}, endpoint: ep.String(), stderr: env.Stderr}, live, nil
}
