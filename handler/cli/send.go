package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"vodrefresh/handler/config"
	"vodrefresh/handler/vod"
)

// previewed is the function with --send: each event goes through a dry run
// first, which says on stderr what sending it will spend. Only then, and
// only when the dry run went through, is the event sent. A dry run that
// fails or is refused (an HTTP answer of 400 or more) is the answer, and
// nothing is sent: the function would fail or refuse the same way.
type previewed struct {
	dry, live invoker
	endpoint  string
	stderr    io.Writer
}

// Invoke previews the event, then sends it.
func (p *previewed) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	out, err := p.dry.Invoke(ctx, event)
	if err != nil {
		return nil, fmt.Errorf("nothing was sent: %w", err)
	}
	a := readAnswer(out)
	if a.status >= http.StatusBadRequest {
		fmt.Fprintf(p.stderr, "vodrefresh: --send: nothing was sent: the request is answered %d\n", a.status)
		return out, nil
	}
	fmt.Fprintf(p.stderr, "vodrefresh: --send: %s\n", a.spending(p.endpoint))
	return p.live.Invoke(ctx, event)
}

// answer is what the function's output says it did, or would do.
type answer struct {
	status   int    // the HTTP trigger's status; 0 for an OSS event
	message  string // the HTTP answer's error, if any
	urls     int
	dirs     int
	prefetch int
}

// readAnswer reads an invocation's output: an OSS result, or an HTTP
// trigger answer whose body is the webhook reply.
func readAnswer(out []byte) answer {
	var trigger struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	var body struct {
		Error    string     `json:"error"`
		Calls    []vod.Call `json:"calls"`
		Prefetch *struct {
			Paths []string `json:"paths"`
		} `json:"prefetch"`
	}
	if json.Unmarshal(out, &trigger) == nil && trigger.StatusCode != 0 {
		out = []byte(trigger.Body)
	}
	json.Unmarshal(out, &body)
	a := answer{status: trigger.StatusCode, message: body.Error}
	for _, c := range body.Calls {
		n := max(c.Count, len(c.Paths)) // a long list names only its first paths
		switch c.ObjectType {
		case config.TypeDirectory:
			a.dirs += n
		case config.TypeMedia:
			a.urls += c.URLs // counted as URLs: see config.WebhookRoute.MediaURLs
		default:
			a.urls += n
		}
	}
	if body.Prefetch != nil {
		a.prefetch = len(body.Prefetch.Paths)
	}
	return a
}

// spending says what sending the planned calls takes from the daily quotas.
func (a answer) spending(endpoint string) string {
	if a.urls+a.dirs == 0 {
		return "nothing to refresh"
	}
	s := fmt.Sprintf("refreshing %s and %s through %s, from the account's daily quota of %d URLs and %d directories",
		count(a.urls, "URL", "URLs"), count(a.dirs, "directory", "directories"), endpoint, vod.DailyURLQuota, vod.DailyDirQuota)
	if a.prefetch > 0 {
		s += fmt.Sprintf(", and prefetching %s (of %d a day)", count(a.prefetch, "URL", "URLs"), vod.DailyPreloadQuota)
	}
	return s + "; planned against the full daily quota: with less left, URLs may be refreshed by directory instead"
}

// count says "1 URL" or "2 URLs".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
