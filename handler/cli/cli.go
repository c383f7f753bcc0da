// Package cli is vodrefresh's local command line: it runs the function on a
// saved event, the way FC would, without FC, serves the HTTP trigger
// locally, and reads the quota and refresh tasks.
//
// It imports handler (the function) and vod (the client for quota and
// tasks).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"vodrefresh/handler"
	"vodrefresh/handler/vod"
)

// Env is what a command reads and writes.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// OSEnv is the process's own environment and standard streams.
func OSEnv() Env {
	return Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

const usage = `usage: vodrefresh COMMAND [flags]

commands:
  invoke [flags] EVENT_FILE   run the function once on an event ("-" reads stdin)
  serve [--addr 127.0.0.1:9000] [flags]
                              serve the HTTP trigger locally, for a CMS to call
  quota                       print the remaining refresh quota as JSON
  tasks [--task-id ID]... [--path URL] [--status S] [--wait] [--timeout 10m]
                              show refresh tasks (DescribeVodRefreshTasks); --wait follows them

flags:
  --dry-run            plan the refresh calls and send nothing
  --timeout 60s        deadline for an invocation, as FC's function timeout
  --replay-window D    accept webhook timestamps this far from now (for saved samples)

Configuration comes from REFRESH_CONFIG_FILE or REFRESH_CONFIG, the VOD
endpoint from VOD_ENDPOINT, credentials from ALIBABA_CLOUD_ACCESS_KEY_ID,
ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN. Without
credentials, invoke is a dry run.
`

// Run runs the command line args (without the program name) and returns the
// process's exit code: 0 on success, 1 when the work failed, 2 on misuse.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "invoke":
		return invoke(ctx, args[1:], env)
	case "serve":
		return serve(ctx, args[1:], env)
	case "quota":
		return quota(ctx, args[1:], env)
	case "tasks":
		return tasks(ctx, args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "vodrefresh: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// parseArgs parses fs over args, with flags before or after the positional
// arguments, and checks that n positional arguments remain. On misuse it
// prints the usage line to stderr and returns false.
func parseArgs(fs *flag.FlagSet, args []string, n int, usage string, env Env) ([]string, bool) {
	fs.SetOutput(env.Stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != n {
		fmt.Fprintln(env.Stderr, "usage: vodrefresh "+usage)
		return nil, false
	}
	return pos, true
}

// parseInterspersed parses flags that may come before or after the
// positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// maxEvent bounds how much of an event file is read.
const maxEvent = 64 << 20

func readEvent(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxEvent+1))
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	if len(b) > maxEvent {
		return nil, fmt.Errorf("event %s is larger than %d MiB", name, maxEvent>>20)
	}
	return b, nil
}

// common holds the flags that invoke and serve share.
type common struct {
	dryRun       bool
	timeout      time.Duration
	replayWindow time.Duration
}

func commonFlags(fs *flag.FlagSet) *common {
	c := &common{}
	fs.BoolVar(&c.dryRun, "dry-run", false, "plan the refresh calls and send nothing")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "deadline for an invocation, as FC's function timeout")
	fs.DurationVar(&c.replayWindow, "replay-window", 0, "accept webhook timestamps this far from now, for running saved samples (default: each route's own)")
	return c
}

// handler builds the function under the dry-run rule: with no credentials
// in the environment, nothing is sent. On failure it returns the exit code.
func (c *common) handler(env Env) (*handler.Handler, *slog.Logger, int) {
	if c.timeout <= 0 {
		fmt.Fprintln(env.Stderr, "vodrefresh: --timeout must be positive")
		return nil, nil, 2
	}
	level, err := handler.ParseLevel(env.Getenv("LOG_LEVEL"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return nil, nil, 2
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	if !c.dryRun && !vod.HasEnvCredentials(env.Getenv) {
		c.dryRun = true
		fmt.Fprintln(env.Stderr, "vodrefresh: dry run: no credentials in the environment ("+vod.EnvAccessKeyID+", "+vod.EnvAccessKeySecret+"); nothing will be sent")
	} else if c.dryRun {
		fmt.Fprintln(env.Stderr, "vodrefresh: dry run: nothing will be sent")
	}
	h, err := handler.FromEnv(env.Getenv, handler.Options{DryRun: c.dryRun, Logger: log, ReplayWindow: c.replayWindow})
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return nil, nil, 1
	}
	return h, log, 0
}

func invoke(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	c := commonFlags(fs)
	pos, ok := parseArgs(fs, args, 1, "invoke [--dry-run] [--timeout 60s] [--replay-window D] EVENT_FILE|-", env)
	if !ok {
		return 2
	}
	h, _, code := c.handler(env)
	if h == nil {
		return code
	}
	event, err := readEvent(pos[0], env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	out, err := h.Invoke(ctx, event)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintf(env.Stderr, "vodrefresh: the invocation ran past its %s deadline\n", c.timeout)
		}
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s\n", out)
	return 0
}
