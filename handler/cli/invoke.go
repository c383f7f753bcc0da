package cli

import (
	"context"
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

// invoke runs the function once on an event, as FC would. An HTTP trigger
// event answered 400 or more exits 1, with the answer on stdout.
func invoke(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	c := commonFlags(fs)
	pos, code, ok := parseArgs(fs, args, 1, env)
	if !ok {
		return code
	}
	fn, code := c.function(env)
	if fn == nil {
		return code
	}
	event, err := readEvent(pos[0], env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
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
	fmt.Fprintf(env.Stdout, "%s\n", out)
	return refused(out, env)
}
