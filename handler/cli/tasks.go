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

// tasks queries DescribeVodRefreshTasks, and with --wait follows the named
// tasks until they finish.
func tasks(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("tasks", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var ids listFlag
	fs.Var(&ids, "task-id", "a task ID, or several comma-joined as RefreshVodObjectCaches returns them (repeatable)")
	path := fs.String("path", "", "an exact ObjectPath, with scheme")
	status := fs.String("status", "", "Complete, Refreshing or Failed")
	kind := fs.String("type", "", "file, directory or preload")
	wait := fs.Bool("wait", false, "poll until every named task is Complete or Failed")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	asJSON := fs.Bool("json", false, "print JSON even on a terminal")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(env.Stderr, "usage: vodrefresh tasks [--task-id ID]... [--path URL] [--status S] [--type T] [--wait] [--timeout 10m] [--json]")
		return 2
	}
	if *wait && len(ids) == 0 {
		fmt.Fprintln(env.Stderr, "vodrefresh: --wait follows the tasks named by --task-id")
		return 2
	}
	if len(ids) == 0 && *path == "" && *status == "" && *kind == "" {
		fmt.Fprintln(env.Stderr, "vodrefresh: name tasks with --task-id, --path, --status or --type")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	v, err := connect(ctx, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	query := func() ([]vod.Task, error) {
		if len(ids) > 0 {
			return vod.TasksByID(ctx, v, ids)
		}
		return v.Tasks(ctx, vod.TaskFilter{ObjectPath: *path, Status: *status, ObjectType: *kind})
	}
	list, err := query()
	for delay := pollStart; err == nil && *wait && !allDone(list); delay = min(2*delay, pollCap) {
		fmt.Fprintf(env.Stderr, "vodrefresh: %d of %d tasks still refreshing; next look in %s\n", pending(list), len(list), delay)
		select {
		case <-ctx.Done():
			err = fmt.Errorf("timed out after %s with %d tasks unfinished", *timeout, pending(list))
		case <-time.After(delay):
			var next []vod.Task
			if next, err = query(); err == nil {
				list = next // on a failed look, the last full answer stands
			}
		}
	}
	printTasks(env.Stdout, list, *asJSON)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	for _, t := range list {
		if t.Status == "Failed" || (*wait && !t.Done()) {
			fmt.Fprintf(env.Stderr, "vodrefresh: task %s is %s\n", t.TaskID, t.Status)
			return 1
		}
	}
	return 0
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
