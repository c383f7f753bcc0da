package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
)

// refused says on stderr when the function's output is an HTTP trigger
// answer of 400 or more (a webhook refused, not verified, or failed), and
// returns the exit code it makes: 1 then, else 0.
func refused(out []byte, env Env) int {
	a := readAnswer(out)
	if a.status < http.StatusBadRequest {
		return 0
	}
	fmt.Fprintf(env.Stderr, "vodrefresh: the HTTP trigger answered %d %s: %s\n", a.status, http.StatusText(a.status), a.message)
	return 1
}

// invoke runs the function once on an event, as FC would, and prints its
// output: indented on a terminal, on one line otherwise. An HTTP trigger
// event answered 400 or more exits 1, with the answer on stdout. The event
// is read before the function is built, so that a missing file is said
// before anything else; a failed invocation's error is said once, on
// stderr, in plain text.
func invoke(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	c := commonFlags(fs)
	pos, code, ok := parseArgs(fs, args, 1, env)
	if !ok {
		return code
	}
	event, err := readEvent(pos[0], env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	c.oneRoute, c.route = true, targetRoute(event)
	fn, code := c.runner(env)
	if fn == nil {
		return code
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	out, err := fn.Invoke(ctx, event)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintf(env.Stderr, "vodrefresh: the invocation ran past its %s deadline\n", c.timeout)
		}
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s\n", indented(out, env.StdoutIsTerminal))
	return refused(out, env)
}

// indented returns the function's JSON output indented for reading when
// stdout is a terminal, and as it is, on one line, otherwise (for a pipe
// or a file, which a program reads).
func indented(out []byte, terminal bool) []byte {
	var b bytes.Buffer
	if !terminal || json.Indent(&b, out, "", "  ") != nil {
		return out
	}
	return b.Bytes()
}
