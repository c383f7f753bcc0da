// Package notify sends the planner's notices to an operator's sinks: a
// webhook (a JSON POST signed the Standard Webhooks way), a DingTalk custom
// robot or a Feishu (Lark) custom bot, each signed as its service checks
// (README.md says how, with sources). A sink that fails is tried again
// within the caller's deadline, then the failure is logged at ERROR; a
// notice never fails what sent it. No URL, secret or signature is ever
// logged: a robot's URL carries its access token.
//
// It imports config (the sinks) and internal/reach, and nothing else of
// vodrefresh.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/reach"
)

// Notice is one thing an operator is told.
type Notice struct {
	Event string         `json:"event"` // failed, quota, deferred, completed
	Title string         `json:"title"`
	Text  string         `json:"text"`
	At    time.Time      `json:"at"`
	Data  map[string]any `json:"data,omitempty"`
}

// Sink is one receiver, made from its configuration and secrets.
type Sink struct {
	cfg    config.SinkConfig
	url    string
	secret string
	now    func() time.Time
	client *http.Client
}

// Wants reports whether the sink is told of event.
func (s *Sink) Wants(event string) bool { return s.cfg.Wants(event) }

// Timeout bounds one attempt to send a notice.
const Timeout = 3 * time.Second

// Attempts is how often a notice is tried on one sink.
const Attempts = 2

// New makes the sinks of cfg, reading their URLs and secrets through
// getenv; a sink whose URL or secret is missing is left out, and said so
// in problems (which name the variable, never its value).
func New(cfg config.NotifyConfig, getenv func(string) string, now func() time.Time) (sinks []*Sink, problems []string) {
	for i, c := range cfg.Sinks {
		u, secret := strings.TrimSpace(getenv(c.URLEnv)), getenv(c.SecretEnv)
		switch {
		case u == "" || !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")):
			problems = append(problems, fmt.Sprintf("notify.sinks[%d] (%s): %s does not hold an http(s) URL", i, c.Kind, c.URLEnv))
		case secret == "":
			problems = append(problems, fmt.Sprintf("notify.sinks[%d] (%s): %s is not set", i, c.Kind, c.SecretEnv))
		default:
			sinks = append(sinks, &Sink{cfg: c, url: u, secret: secret, now: now, client: &http.Client{Timeout: Timeout,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}})
		}
	}
	return sinks, problems
}

// Send tells every sink that wants n's event, each tried Attempts times
// within ctx; a failure is logged at ERROR with the sink's kind and
// position, never its URL. It returns how many sinks took the notice.
func Send(ctx context.Context, sinks []*Sink, n Notice, log *slog.Logger) int {
	took := 0
	for i, s := range sinks {
		if !s.cfg.Wants(n.Event) {
			continue
		}
		var err error
		for try := 0; try < Attempts && ctx.Err() == nil; try++ {
			if err = s.send(ctx, n); err == nil {
				break
			}
		}
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			log.Error("notice not delivered", "sink", fmt.Sprintf("notify.sinks[%d] (%s)", i, s.cfg.Kind), "event", n.Event, "error", err.Error())
			continue
		}
		took++
	}
	return took
}

// send makes one attempt.
func (s *Sink) send(ctx context.Context, n Notice) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var req *http.Request
	var err error
	switch s.cfg.Kind {
	case "dingtalk":
		req, err = s.dingtalk(ctx, n)
	case "feishu":
		req, err = s.feishu(ctx, n)
	default:
		req, err = s.webhook(ctx, n)
	}
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s", s.cfg.Kind, reach.Why(err))
	}
	defer resp.Body.Close()
	return s.accepted(resp)
}
