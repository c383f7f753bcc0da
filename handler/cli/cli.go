// Package cli is vodrefresh's local command line: it runs the function on a
// saved event, the way FC would, without FC, and serves the HTTP trigger
// locally, both as dry runs unless --send is given; it checks a
// configuration before deployment, reads the quota and refresh tasks, and
// says which build it is.
//
// It imports handler (the function), config (for the deployment check) and
// vod (the client for quota and tasks).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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

// command is one subcommand: its name, the arguments its usage line
// names, what it does, and how it runs.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, env Env) int
}

// commands lists the subcommands, in the order the usage shows them.
func commands() []command {
	return []command{
		{"invoke", "[--send] [--timeout 60s] [--replay-window D] EVENT_FILE|-",
			"Runs the function once on a saved event (\"-\" reads stdin), as FC would, and\nprints its result. A dry run unless --send.", invoke},
		{"serve", "[--addr 127.0.0.1:9000] [--send] [--timeout 60s] [--replay-window D]",
			"Serves the HTTP trigger locally, for a CMS or curl to call. A dry run\nunless --send.", serve},
		{"check", "",
			"Checks that the configuration and this environment are ready to deploy: the\nconfiguration is valid, every webhook secret is set, no domain is a\ndocumentation sample, and the OSS trigger's filter (OSS_TRIGGER_BUCKET,\nOSS_TRIGGER_PREFIX, OSS_TRIGGER_SUFFIX) delivers every key the rules cover.\ns.yaml runs it before each deployment. It sends nothing.", check},
		{"quota", "[--timeout 10s]",
			"Prints the remaining refresh quota (DescribeVodRefreshQuota) as JSON.", quota},
		{"tasks", "(--task-id ID... | --path URL | --status S | --type T) [--wait] [--timeout 10m] [--json]",
			"Shows refresh tasks (DescribeVodRefreshTasks); --wait follows the named tasks\nuntil they finish.", tasks},
		purgeCommand(),
		{"version", "",
			"Prints the module version and the VCS revision the binary was built from.", version},
	}
}

// line is the command's usage line, without "usage: ".
func (c command) line() string { return strings.TrimSpace("vodrefresh " + c.name + " " + c.args) }

// lookup finds a subcommand by name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// about is what the usage says about the environment.
const about = `invoke and serve plan the refresh calls and send nothing, whatever
credentials the environment holds, unless --send is given; --send says on
stderr what it will spend before it sends. Configuration comes from
REFRESH_CONFIG_FILE or REFRESH_CONFIG, the VOD endpoint from VOD_ENDPOINT,
credentials from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
and ALIBABA_CLOUD_SECURITY_TOKEN.
`

// usage is the command line's usage: every command's usage line.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: vodrefresh COMMAND [flags] [arguments]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %s\n", c.line())
	}
	b.WriteString("  vodrefresh help [COMMAND]\n\nRun \"vodrefresh COMMAND --help\" for what a command does and its flags.\n\n")
	b.WriteString(about)
	return b.String()
}

// Run runs the command line args (without the program name) and returns the
// process's exit code: 0 on success, 1 when the work failed, 2 on misuse.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage())
		return 2
	}
	name := args[0]
	switch {
	case name == "help" && len(args) > 1:
		name, args = args[1], []string{args[1], "--help"}
	case name == "help" || name == "-h" || name == "--help":
		fmt.Fprint(env.Stdout, usage())
		return 0
	}
	if c, ok := lookup(name); ok {
		return c.run(ctx, args[1:], env)
	}
	fmt.Fprintf(env.Stderr, "vodrefresh: unknown command %q\n\n%s", name, usage())
	return 2
}

// parseArgs parses the command's flags fs over args, with flags before or
// after the positional arguments, and checks that n positional arguments
// remain. With -h or --help it prints the command's help on stdout; on
// misuse, the problem and the usage line on stderr. Either way it returns
// ok false and the exit code: 0 for help, 2 for misuse.
func parseArgs(fs *flag.FlagSet, args []string, n int, env Env) (pos []string, code int, ok bool) {
	c, _ := lookup(fs.Name())
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {}
	pos, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(env.Stdout, "usage: %s\n\n%s\n", c.line(), c.summary)
		fs.SetOutput(env.Stdout)
		if hasFlags(fs) {
			fmt.Fprintln(env.Stdout, "\nflags:")
			fs.PrintDefaults()
		}
		return nil, 0, false
	case err == nil && len(pos) != n:
		fmt.Fprintf(env.Stderr, "vodrefresh %s: %s\n", c.name, arguments(n, len(pos)))
		fallthrough
	case err != nil:
		fmt.Fprintf(env.Stderr, "usage: %s\nRun \"vodrefresh %s --help\" for more.\n", c.line(), c.name)
		return nil, 2, false
	}
	return pos, 0, true
}

// hasFlags reports whether fs defines any flag.
func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// arguments says how many positional arguments a command wanted and got.
func arguments(want, got int) string {
	if want == 0 {
		return fmt.Sprintf("takes no arguments, got %d", got)
	}
	return fmt.Sprintf("takes %d, got %d", want, got)
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
