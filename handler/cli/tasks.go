package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
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
	if err := f.check(); err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh tasks: %v\n", err)
		return 2
	}
	return withClient(ctx, env, f.timeout, func(ctx context.Context, v vod.Client) int {
		list, answered, err := f.follow(ctx, v, env)
		if answered {
			printTasks(env.Stdout, list, f.asJSON || !env.StdoutIsTerminal)
		}
		if err != nil {
			return callFailed(env.Stderr, err)
		}
		for _, t := range list {
			if t.Status == "Failed" {
				fmt.Fprintf(env.Stderr, "vodrefresh: task %s is %s\n", t.TaskID, t.Status)
				return 1
			}
		}
		return 0
	})
}

// Values the API takes for DescribeVodRefreshTasks' Status and ObjectType.
var (
	taskStatuses = []string{"Complete", "Refreshing", "Failed"}
	taskTypes    = []string{"file", "directory", "preload"}
)

// check checks the flags before anything is sent, and spells --status and
// --type as the API does.
func (f *taskFlags) check() error {
	switch {
	case f.wait && len(f.ids) == 0:
		return errors.New("--wait follows the tasks named by --task-id")
	case len(f.ids) == 0 && f.path == "" && f.status == "" && f.kind == "":
		return errors.New("name tasks with --task-id, --path, --status or --type")
	}
	var err error
	if f.status, err = oneOf("--status", f.status, taskStatuses); err != nil {
		return err
	}
	if f.kind, err = oneOf("--type", f.kind, taskTypes); err != nil {
		return err
	}
	if f.status != "" && f.kind == "" {
		return errors.New("--status needs --type (file, directory or preload): DescribeVodRefreshTasks requires ObjectType with Status")
	}
	if f.path != "" {
		u, perr := url.Parse(f.path)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(f.path, " \t\r\n") {
			return fmt.Errorf("--path %q: want the exact URL that was refreshed, such as https://video.example.com/videos/a.mp4", f.path)
		}
	}
	return nil
}

// oneOf returns the value of valid that v names, in any case; an empty v
// stays empty.
func oneOf(flag, v string, valid []string) (string, error) {
	if v == "" {
		return "", nil
	}
	for _, s := range valid {
		if strings.EqualFold(v, s) {
			return s, nil
		}
	}
	return "", fmt.Errorf("%s %q: want one of %s", flag, v, strings.Join(valid, ", "))
}

// query reads the tasks the flags name.
func (f *taskFlags) query(ctx context.Context, v vod.Client) ([]vod.Task, error) {
	if len(f.ids) > 0 {
		return vod.TasksByID(ctx, v, f.ids)
	}
	return v.Tasks(ctx, vod.TaskFilter{ObjectPath: f.path, Status: f.status, ObjectType: f.kind})
}

// follow queries the tasks, and with --wait again until all are done or
// ctx ends. answered says whether a look was read in full: a failed call
// leaves nothing to show. A look cut short by the deadline keeps the last
// full answer, and the error says the wait timed out.
func (f *taskFlags) follow(ctx context.Context, v vod.Client, env Env) (list []vod.Task, answered bool, err error) {
	if list, err = f.query(ctx, v); err != nil {
		return nil, false, err
	}
	for delay := pollStart; f.wait && !allDone(list); delay = min(2*delay, pollCap) {
		fmt.Fprintf(env.Stderr, "vodrefresh: %d of %d tasks still refreshing; next look in %s\n", pending(list), len(list), delay)
		select {
		case <-ctx.Done():
		case <-time.After(delay):
			bounded := boundedByDeadline(ctx)
			next, err := f.query(ctx, v)
			if err == nil {
				list = next
				continue
			}
			if ctx.Err() == nil && !(bounded && isTimeout(err)) {
				return nil, false, err
			}
		}
		return list, true, fmt.Errorf("timed out after %s with %d tasks unfinished", f.timeout, pending(list))
	}
	return list, true, nil
}

// boundedByDeadline reports whether a call made now ends by ctx's deadline
// rather than by its own per-call timeout.
func boundedByDeadline(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) <= vod.DefaultRequestTimeout
}

// isTimeout reports whether a call failed for want of an answer in time.
func isTimeout(err error) bool {
	var ae *vod.APIError
	return errors.As(err, &ae) && ae.Code == vod.CodeTimeout
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

// printTasks writes JSON, or a table unless asJSON.
func printTasks(w io.Writer, ts []vod.Task, asJSON bool) {
	if ts == nil {
		ts = []vod.Task{}
	}
	if asJSON {
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
