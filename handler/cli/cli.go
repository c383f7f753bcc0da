// Package cli is vodrefresh's local command line: it runs the function on a
// saved event, the way FC would, without FC, and serves the HTTP trigger
// locally, both as dry runs unless --send is given, and sends that server
// signed samples; it checks a configuration before deployment, reads the
// quota and refresh tasks, and says which build it is.
//
// It imports function (the function), change (VOD IDs), config (for the
// deployment check), refresh (to report a configuration's every problem at
// once), event (to read a sample's request), webhook (the route a sample
// is signed for) and vod (the client for quota, tasks and the account's
// domains).
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
	// LookupEnv also says whether a variable is set, even to "". When nil,
	// a variable is set when Getenv returns more than "".
	LookupEnv func(string) (string, bool)
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	// StdoutIsTerminal says that a person reads Stdout: invoke indents
	// its JSON output then, and tasks prints a table.
	StdoutIsTerminal bool
}

// OSEnv is the process's own environment and standard streams.
func OSEnv() Env {
	return Env{Getenv: os.Getenv, LookupEnv: os.LookupEnv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StdoutIsTerminal: isTerminal(os.Stdout)}
}

// isTerminal reports whether w is a terminal: a file that is a character
// device, as a terminal is (and /dev/null, where it does no harm).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// lookup returns the variable's value and whether it is set.
func (e Env) lookup(name string) (string, bool) {
	if e.LookupEnv != nil {
		return e.LookupEnv(name)
	}
	v := e.Getenv(name)
	return v, v != ""
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
			"Serves the HTTP trigger locally, for a CMS, curl or send-sample to call. A\ndry run unless --send. A dry run remembers no delivery (dedupe is off), so a\nrequest sent again is answered accepted again.", serve},
		{"send-sample", "[--addr " + defaultAddr + "] [--secret-env NAME] [--timeout 10s] SAMPLE",
			"Sends a sample HTTP trigger event (events/http-ghost.json, or a name such as\nghost) to a local serve: it signs the sample's body and headers anew for\nits route, with the route's secret from the environment (secretEnv, or\n--secret-env) and the time now, and POSTs it. Loopback addresses only.", sendSample},
		{"check", "[--account] [--store] [--s-yaml FILE]",
			"Checks that the configuration and this environment are ready to deploy: the\nconfiguration is valid (every problem is listed at once), every webhook\nsecret is set, no domain is a reserved name such as example.com, and the OSS\ntrigger's filter (OSS_TRIGGER_BUCKET, OSS_TRIGGER_PREFIX, OSS_TRIGGER_SUFFIX)\ndelivers every key the rules cover; with none of those set, it checks the\nconfiguration alone and says so. It warns about http:// domains and secrets\nthat hold white space. s.yaml runs it before each deployment. It sends\nnothing, unless --account: then, with the environment's credentials, it\nreads the account's VOD domains (DescribeVodUserDomains, read-only; the\ncredentials need vod:DescribeVodUserDomains, which the function's role\ndoes not) and fails for each configured domain that is not one, since\nevery refresh of it would fail with IllegalOperation; it warns about one\nthat is not online. With --store, it also checks the store that\nREFRESH_STORE_URL names: that it answers and takes writes, and whether its\nmaxmemory-policy may evict the store's keys (a warning); run it where the\nstore can be reached.", check},
		{"quota", "[--timeout 10s]",
			"Prints the remaining refresh quota (DescribeVodRefreshQuota) as JSON.", quota},
		{"tasks", "(--task-id ID... | --path URL | --status S | --type T) [--wait] [--timeout 10m] [--json]",
			"Shows refresh tasks (DescribeVodRefreshTasks); --wait follows the named tasks\nuntil they finish.", tasks},
		{"policy", "[--s-yaml s.yaml]",
			"Prints the least-privilege RAM policy that this configuration and s.yaml\nneed (the VOD actions of the features in use, mns:SendMessage on the\nqueues FC and the queue trigger write to), and the trust policy that lets\nFC assume the role. It sends nothing.", policy},
		{"report", "[--json] [--svg FILE] [--timeout 10s]",
			"Shows the quota day so far, from the store the instances share\n(REFRESH_STORE_URL): the quota spent and left, by hour, the refresh tasks\nfollowed (open, done, refreshed again, failed), the backlog of scarce days,\nand what spent the quota. A table on a terminal, JSON with --json; --svg\nwrites a chart of the quota spent over the day.", showReport},
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
	b.WriteString("  vodrefresh help [COMMAND]\n  vodrefresh --version | -v\n\nRun \"vodrefresh COMMAND --help\" for what a command does and its flags.\n\n")
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
	case name == "--version" || name == "-v":
		name = "version"
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
		if hasFlags(fs) {
			fmt.Fprintln(env.Stdout, "\nflags:")
			printFlags(env.Stdout, fs)
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

// printFlags prints fs's flags as the usage lines spell them, with two
// dashes (--send), each with its usage and, unless it is the zero value,
// its default. Either spelling is accepted; flag.PrintDefaults would print
// one dash.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && d != "[]" {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
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
