package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"vodrefresh/handler/vod"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// pollStart is the first pause of tasks --wait; it doubles up to pollCap.
var pollStart, pollCap = time.Second, 30 * time.Second

// taskFlags are the flags of the tasks command.
type taskFlags struct {
	ids                listFlag
	path, status, kind string
	wait, asJSON       bool
	timeout            time.Duration
}

// tasks queries DescribeVodRefreshTasks, and with --wait follows the named
// tasks until they finish.
func tasks(ctx context.Context, args []string, env Env) int {
	var f taskFlags
	fs := flag.NewFlagSet("tasks", flag.ContinueOnError)
	fs.Var(&f.ids, "task-id", "a task ID, or several comma-joined as RefreshVodObjectCaches returns them (repeatable)")
	fs.StringVar(&f.path, "path", "", "an exact ObjectPath, with scheme")
	fs.StringVar(&f.status, "status", "", "Complete, Refreshing or Failed")
	fs.StringVar(&f.kind, "type", "", "file, directory or preload")
	fs.BoolVar(&f.wait, "wait", false, "poll until every named task is Complete or Failed")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "give up after this long")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON even on a terminal")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	if f.wait && len(f.ids) == 0 {
		fmt.Fprintln(env.Stderr, "vodrefresh: --wait follows the tasks named by --task-id")
		return 2
	}
	if len(f.ids) == 0 && f.path == "" && f.status == "" && f.kind == "" {
		fmt.Fprintln(env.Stderr, "vodrefresh: name tasks with --task-id, --path, --status or --type")
		return 2
	}
	return withClient(ctx, env, f.timeout, func(ctx context.Context, v vod.Client) int {
		list, err := f.follow(ctx, v, env)
		printTasks(env.Stdout, list, f.asJSON)
		if err != nil {
			fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
			return 1
		}
		for _, t := range list {
			if t.Status == "Failed" || (f.wait && !t.Done()) {
				fmt.Fprintf(env.Stderr, "vodrefresh: task %s is %s\n", t.TaskID, t.Status)
				return 1
			}
		}
		return 0
	})
}

// query reads the tasks the flags name.
func (f *taskFlags) query(ctx context.Context, v vod.Client) ([]vod.Task, error) {
	if len(f.ids) > 0 {
		return vod.TasksByID(ctx, v, f.ids)
	}
	return v.Tasks(ctx, vod.TaskFilter{ObjectPath: f.path, Status: f.status, ObjectType: f.kind})
}

// follow queries the tasks, and with --wait again until all are done or
// ctx ends. On a failed look, the last full answer stands.
func (f *taskFlags) follow(ctx context.Context, v vod.Client, env Env) ([]vod.Task, error) {
	list, err := f.query(ctx, v)
	for delay := pollStart; err == nil && f.wait && !allDone(list); delay = min(2*delay, pollCap) {
		fmt.Fprintf(env.Stderr, "vodrefresh: %d of %d tasks still refreshing; next look in %s\n", pending(list), len(list), delay)
		select {
		case <-ctx.Done():
			err = fmt.Errorf("timed out after %s with %d tasks unfinished", f.timeout, pending(list))
		case <-time.After(delay):
			var next []vod.Task
			if next, err = f.query(ctx, v); err == nil {
				list = next
			}
		}
	}
	return list, err
}

func allDone(ts []vod.Task) bool { return pending(ts) == 0 }

func pending(ts []vod.Task) int {
	n := 0
	for _, t := range ts {
		if !t.Done() {
			n++
		}
	}
	return n
}

// printTasks writes JSON, or a table when w is a terminal.
func printTasks(w io.Writer, ts []vod.Task, asJSON bool) {
	if ts == nil {
		ts = []vod.Task{}
	}
	if asJSON || !isTerminal(w) {
		b, _ := json.Marshal(ts)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tSTATUS\tPROCESS\tTYPE\tCREATED\tPATH")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.TaskID, t.Status, t.Process, t.ObjectType, t.CreationTime, t.ObjectPath)
	}
	tw.Flush()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
