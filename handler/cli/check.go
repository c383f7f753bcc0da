package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"vodrefresh/handler"
	"vodrefresh/handler/config"
)

// deployProblems lists what a deployed function would get wrong with cfg
// and the environment that s.yaml passes it.
func deployProblems(cfg *config.Config, getenv func(string) string) []string {
	var problems []string
	for i, w := range cfg.Webhooks {
		if w.Auth != "none" && strings.TrimSpace(getenv(w.SecretEnv)) == "" {
			problems = append(problems, fmt.Sprintf("webhooks[%d] (%s): its secret, %s, is not set in this environment: export it before deploying, and list it under environmentVariables in s.yaml", i, w.Path, w.SecretEnv))
		}
	}
	for _, r := range cfg.ReservedDomains() {
		problems = append(problems, fmt.Sprintf("domains: %s is %s", r.Domain, r.Reason))
	}
	f, ok := config.TriggerFromEnv(getenv)
	switch {
	case len(cfg.OSS) > 0 && !ok:
		problems = append(problems, fmt.Sprintf("%s is not set: name the bucket the OSS trigger watches (vars.bucket in s.yaml)", config.EnvTriggerBucket))
	case len(cfg.OSS) > 0:
		problems = append(problems, cfg.Uncovered(f)...)
	}
	return problems
}

// check says whether a configuration and the environment are ready to
// deploy, as s.yaml runs it before every deployment: the function sets up
// (a valid configuration and templates, the endpoint, the webhook
// secrets), every route's secret is set, no domain is a documentation
// sample, and the OSS trigger's filter delivers every key the rules cover.
// It sends nothing.
func check(_ context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy: %v\n", err)
		if env.Getenv(config.EnvConfigFile) == "" && env.Getenv(config.EnvConfig) == "" {
			fmt.Fprintln(env.Stderr, "vodrefresh check: through s deploy, set vars.configFile in s.yaml to your configuration")
		}
		return 1
	}
	h, err := handler.FromEnv(env.Getenv, handler.Options{DryRun: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy: %v\n", err)
		return 1
	}
	if problems := deployProblems(cfg, env.Getenv); len(problems) > 0 {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy:\n  %s\n", strings.Join(problems, "\n  "))
		return 1
	}
	f, _ := config.TriggerFromEnv(env.Getenv)
	fmt.Fprintf(env.Stdout, "vodrefresh check: ready to deploy: %s (trigger: %s), %s %v\n",
		count(len(cfg.OSS), "OSS rule", "OSS rules"), f, count(len(cfg.Webhooks), "webhook route", "webhook routes"), h.Routes())
	return 0
}
