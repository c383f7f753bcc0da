package function

import (
	"log/slog"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/webhook"
)

// buildRoutes makes each webhook route (webhook.NewRoute), by path, and
// logs once what is wrong with one: out of service (it answers 503 until
// its secret is set; the other routes and the OSS rules work), accepting
// unauthenticated requests (auth: none), or a secret that holds white
// space. A non-zero window overrides every route's replay window (for
// local runs of old samples).
func buildRoutes(cfg *config.Config, getenv func(string) string, log *slog.Logger, window time.Duration) map[string]*webhook.Route {
	routes := make(map[string]*webhook.Route, len(cfg.Webhooks))
	for i := range cfg.Webhooks {
		r := webhook.NewRoute(i, &cfg.Webhooks[i], getenv, window)
		routes[r.Path] = r
		switch {
		case r.Down != "":
			log.Error("webhook route out of service; it answers 503 until its secret is set", "route", r.Path, "name", r.Name, "error", r.Down)
		case r.Verifier == nil:
			log.Warn("webhook route accepts unauthenticated requests (auth: none)", "route", r.Path, "kind", r.Kind)
		}
		if r.Warning != "" {
			log.Warn(r.Warning, "route", r.Path, "kind", r.Kind)
		}
	}
	return routes
}
