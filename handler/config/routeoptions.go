package config

import "fmt"

// vodOptions are the route options that only a vod route reads.
func vodOptions(w *WebhookRoute) map[string]string {
	return map[string]string{"callbackURL": w.CallbackURL, "forward": w.Forward, "streams": w.Streams, "mode": w.Mode}
}

// OptionProblems says what is wrong with a route's kind-specific options:
// a VOD option on a route of another kind (it would be silently unused),
// a forward with no key to re-sign it, playUrls on a kind that names no
// video, or play URL options without playUrls.
func (w *WebhookRoute) OptionProblems() []string {
	var problems []string
	if !w.PlayURLs() && (len(w.Formats) > 0 || len(w.Definitions) > 0 || w.Slices > 0) {
		problems = append(problems, "formats, definitions and slices: only mode: playUrls reads them")
	}
	if w.Kind != "vod" {
		for _, name := range []string{"callbackURL", "forward", "streams"} {
			if vodOptions(w)[name] != "" {
				problems = append(problems, fmt.Sprintf("%s: only a vod route reads it (this route is %s)", name, w.Kind))
			}
		}
		if w.Mode != "" && w.Kind != "generic" {
			problems = append(problems, fmt.Sprintf("mode: only vod and generic routes, which name videos, read it (this route is %s)", w.Kind))
		}
		return problems
	}
	if w.Forward != "" && w.Auth == "none" {
		problems = append(problems, "forward: a forwarded callback is re-signed with the route's key, and auth: none has none")
	}
	return problems
}

// VODRoute returns the configuration's first vod webhook route, which
// plans the VOD events that arrive without a request (an MNS queue, the
// purge command), or nil when there is none.
func (c *Config) VODRoute() *WebhookRoute {
	for i := range c.Webhooks {
		if w := &c.Webhooks[i]; w.Kind == "vod" {
			return w
		}
	}
	return nil
}
