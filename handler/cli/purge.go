package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/webhook"
)

// purgeCommand is the purge subcommand, as the command table lists it.
func purgeCommand() command {
	return command{"purge", "--video-id ID... [--send] [--timeout 60s]",
		"Purges ApsaraVideo VOD videos from the CDN by ID: each video's folder,\n" +
			"<VideoId>/, on every URL template of the configuration's vod route, as a\n" +
			"Directory refresh, as a DeleteMediaComplete callback would; on a route\n" +
			"with mode: playUrls, a video that still exists by its ID\n" +
			"(RefreshMediaPlayUrls), and one VOD no longer knows by its folder. Prints\n" +
			"the plan and what it costs of the daily quota. A dry run unless --send.", purge}
}

// videoIDs collects --video-id values: the flag may repeat, and a value
// may list IDs separated by commas.
type videoIDs []string

func (v *videoIDs) String() string { return strings.Join(*v, ",") }

func (v *videoIDs) Set(s string) error {
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !change.IsVODID(id) {
			return fmt.Errorf("%q is not a VOD video ID (32 lower-case hex characters)", id)
		}
		*v = append(*v, id)
	}
	return nil
}

// purge plans, and with --send submits, the refreshes of the named
// videos: their folders, or on a playUrls route their play URLs. It
// invokes the function on the videos as MNS messages of the purge event
// (webhook.PurgeEvent), so that they are planned by the vod route as a
// callback is, and --send says what it spends before it sends.
func purge(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	var ids videoIDs
	fs.Var(&ids, "video-id", "a video's ID; repeat the flag, or separate IDs with commas")
	c := commonFlags(fs)
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	if len(ids) == 0 {
		fmt.Fprintf(env.Stderr, "vodrefresh purge: name at least one --video-id\nusage: %s\n", purgeCommand().line())
		return 2
	}
	if code := needVODRoute(env); code != 0 {
		return code
	}
	// The videos run through invoke, as an event on stdin: the same dry
	// run, --send preview and deadline.
	args = []string{"--timeout", c.timeout.String(), "-"}
	if c.send {
		args = append(args, "--send")
	}
	var out bytes.Buffer
	run := env
	run.Stdin, run.Stdout = bytes.NewReader(purgeEvent(ids, time.Now())), io.MultiWriter(env.Stdout, &out)
	if code := invoke(ctx, args, run); code != 0 {
		return code
	}
	a := readAnswer(out.Bytes())
	if a.urls+a.dirs == 0 {
		fmt.Fprintf(env.Stderr, "vodrefresh purge: nothing to purge: %s\n", skippedReasons(out.Bytes()))
		return 1
	}
	if !c.send {
		fmt.Fprintf(env.Stderr, "vodrefresh purge: would be %s\n", a.spending("VOD"))
	}
	return 0
}

// purgeEvent is the videos as MNS messages of webhook.PurgeEvent, in
// VOD's form.
// Each message ID is new, so that a purge repeated later is not taken for
// a redelivery of this one.
func purgeEvent(ids []string, now time.Time) []byte {
	msgs := make([]map[string]string, len(ids))
	for i, id := range ids {
		body, _ := json.Marshal(map[string]string{"EventType": webhook.PurgeEvent, "EventTime": now.UTC().Format(time.RFC3339),
			"MediaId": id, "MediaType": "video", "DeleteType": "all", "Status": "success"})
		msgs[i] = map[string]string{"messageId": fmt.Sprintf("purge-%s-%d", id, now.UnixNano()), "messageBody": string(body)}
	}
	b, _ := json.Marshal(msgs)
	return b
}

// skippedReasons lists why the function's result skipped what it skipped.
func skippedReasons(out []byte) string {
	var res struct {
		Skipped []struct {
			Reason string `json:"reason"`
		} `json:"skipped"`
	}
	_ = json.Unmarshal(out, &res)
	var reasons []string
	for _, s := range res.Skipped {
		if s.Reason != "" && !strings.Contains(strings.Join(reasons, "\n"), s.Reason) {
			reasons = append(reasons, s.Reason)
		}
	}
	if len(reasons) == 0 {
		return "the configuration's vod route planned no path"
	}
	return strings.Join(reasons, "; ")
}

// needVODRoute checks, before anything is planned or sent, that the
// configuration has the vod route whose URL templates name the VOD domain
// a video's folder is on; without one it prints what to add and returns 2.
// A configuration that does not load is left to invoke, which reports
// every problem.
func needVODRoute(env Env) int {
	cfg, err := config.Load(env.Getenv)
	if err != nil || cfg.VODRoute() != nil {
		return 0
	}
	fmt.Fprintf(env.Stderr, "vodrefresh purge: the configuration has no vod route, which names the VOD domain that videos are served on. Add one under webhooks:\n"+
		"  - path: /hooks/vod\n"+
		"    kind: vod\n"+
		"    secretEnv: VOD_AUTH_KEY        # VOD's callback AuthKey; purge itself does not need it set\n"+
		"    urls: [\"https://<your VOD domain>/{path}\"]\n")
	return 2
}
