package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

// invoke runs the function once on an event, as FC would.
func invoke(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	c := commonFlags(fs)
	pos, code, ok := parseArgs(fs, args, 1, env)
	if !ok {
		return code
	}
	fn, _, code := c.function(env)
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
	return 0
}
