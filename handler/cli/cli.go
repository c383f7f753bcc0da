// Package cli is vodrefresh's local command line: it runs the function on a
// saved event, the way FC would, without FC, serves the HTTP trigger
// locally, and reads the quota and refresh tasks.
//
// It imports handler (the function) and vod (the client for quota and
// tasks).
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
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
  --send               refresh for real: without it, invoke and serve are dry runs
  --timeout 60s        deadline for an invocation, as FC's function timeout
  --replay-window D    accept webhook timestamps this far from now (for saved samples)

invoke and serve plan the refresh calls and send nothing, whatever
credentials the environment holds, unless --send is given; --send says on
stderr what it will spend before it sends. Configuration comes from
REFRESH_CONFIG_FILE or REFRESH_CONFIG, the VOD endpoint from VOD_ENDPOINT,
credentials from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
and ALIBABA_CLOUD_SECURITY_TOKEN.
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
