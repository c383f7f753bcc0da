package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"vodrefresh/handler/function"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
)

// showReport prints the quota day so far, read from the shared store.
func showReport(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON, whether or not stdout is a terminal")
	svg := fs.String("svg", "", "write a chart of the quota spent over the day to `FILE` (SVG)")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline for reading the store")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	url := env.Getenv(function.EnvStoreURL)
	if url == "" {
		fmt.Fprintf(env.Stderr, "vodrefresh report: %s is not set: the report is read from the store the instances share\n", function.EnvStoreURL)
		return 1
	}
	s, err := store.OpenRedis(url)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh report: %v\n", err)
		return 1
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	d, err := report.Read(ctx, s, time.Now())
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh report: %v\n", err)
		return 1
	}
	if *svg != "" {
		f, err := os.Create(*svg)
		if err == nil {
			err = report.WriteSVG(f, d)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "vodrefresh report: --svg: %v\n", err)
			return 1
		}
	}
	if *asJSON || !env.StdoutIsTerminal {
		b, _ := json.Marshal(d)
		fmt.Fprintf(env.Stdout, "%s\n", b)
		return 0
	}
	if err := report.WriteTable(env.Stdout, d); err != nil {
		return 1
	}
	return 0
}
