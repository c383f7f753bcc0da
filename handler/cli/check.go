package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/function"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
)

// triggerVars are the variables that name the OSS trigger's filter.
var triggerVars = []string{config.EnvTriggerBucket, config.EnvTriggerPrefix, config.EnvTriggerSuffix}

// deployProblems lists what a deployed function would get wrong with cfg
// and the environment that s.yaml passes it, and warnings: what works but
// should not be deployed as it is (an http:// domain, config.Warnings; a
// secret short enough to guess, or that holds white space). Each webhook
// route is made as the function makes it (webhook.NewRoute), so that a
// route it would put out of service, answering 503 to every request, is a
// problem here. When none of triggerVars is set, as when check is run by
// hand, the rules are not checked against the OSS trigger's filter, and
// checked is false; s.yaml sets all three, so an empty bucket there is a
// problem.
func deployProblems(cfg *config.Config, env Env) (problems, warnings []string, checked bool) {
	warnings = cfg.Warnings()
	for i := range cfg.Webhooks {
		w := &cfg.Webhooks[i]
		rt := webhook.NewRoute(i, w, env.Getenv, 0)
		switch {
		case w.Auth != "none" && strings.TrimSpace(env.Getenv(w.SecretEnv)) == "":
			problems = append(problems, fmt.Sprintf("webhooks[%d] (%s): its secret, %s, is not set in this environment: export it before deploying, and list it under environmentVariables in s.yaml", i, w.Path, w.SecretEnv))
		case rt.Down != "":
			problems = append(problems, fmt.Sprintf("webhooks[%d] (%s): unusable secret: %s; it would answer 503 to every request", i, w.Path, rt.Down))
		}
		if rt.Warning != "" {
			warnings = append(warnings, fmt.Sprintf("webhooks[%d] (%s): %s", i, w.Path, rt.Warning))
		}
		if k, _ := change.KindOf(w.Kind); k.OneAttempt && env.Getenv(function.EnvStoreURL) == "" {
			warnings = append(warnings, fmt.Sprintf("webhooks[%d] (%s): %s never retries a failed delivery, and without %s a refresh that cannot be submitted at once "+
				"(throttled, VOD unreachable, the quota short) cannot be kept: it is answered 503 and lost; set %s, with the planner's timer", i, w.Path, w.Kind, function.EnvStoreURL, function.EnvStoreURL))
		}
	}
	for _, r := range cfg.ReservedDomains() {
		problems = append(problems, fmt.Sprintf("domains: %s is %s", r.Domain, r.Reason))
	}
	if len(cfg.OSS) == 0 {
		return problems, warnings, true
	}
	for _, name := range triggerVars {
		if _, set := env.lookup(name); set {
			checked = true
		}
	}
	f, ok := config.TriggerFromEnv(env.Getenv)
	switch {
	case !checked:
	case !ok:
		problems = append(problems, fmt.Sprintf("%s is not set: name the bucket the OSS trigger watches (vars.bucket in s.yaml)", config.EnvTriggerBucket))
	default:
		problems = append(problems, cfg.Uncovered(f)...)
	}
	return problems, warnings, checked
}

// skippedTrigger says what check skipped when no OSS trigger variable is
// set, and how to run that check too.
func skippedTrigger(cfg *config.Config) string {
	f := cfg.CoveringFilter(cfg.OSS[0].Bucket)
	return fmt.Sprintf("vodrefresh check: skipped: whether the OSS trigger's filter delivers every key the rules cover, since none of %s is set; "+
		"s deploy sets them from vars.bucket, vars.keyPrefix and vars.keySuffix in s.yaml; to check by hand: %s=%s %s=%q %s=%q vodrefresh check",
		strings.Join(triggerVars, ", "), config.EnvTriggerBucket, f.Bucket, config.EnvTriggerPrefix, f.Prefix, config.EnvTriggerSuffix, f.Suffix)
}

// check says whether a configuration and the environment are ready to
// deploy, as s.yaml runs it before every deployment: the function sets up
// (a valid configuration and templates, the endpoint, the webhook
// secrets), every route's secret is set and usable, no domain is
// reserved, and, when the OSS trigger's variables are set, the trigger's
// filter delivers every key the rules cover. Warnings (deployProblems)
// go on stderr. It sends nothing, unless --account asks it to read the
// account's VOD domains (accountProblems), or --store to check the store
// (storeReport).
func check(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	syaml := fs.String("s-yaml", "s.yaml", "the deployment's s.yaml, whose environmentVariables must pass every secret the configuration names (none checked when it does not exist)")
	account := fs.Bool("account", false, "also read the account's VOD domains (one read-only DescribeVodUserDomains call per 50), with the environment's credentials,\nand name each configured domain that is not one, or not online")
	withStore := fs.Bool("store", false, "also check the store that "+function.EnvStoreURL+" names: that it answers and takes writes, and whether its maxmemory-policy may evict the store's keys (run it where the store can be reached)")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	if *account && !vod.HasEnvCredentials(env.Getenv) {
		fmt.Fprintf(env.Stderr, "vodrefresh check: %v\n", errAccountCredentials)
		return 1
	}
	cfg, err := loadConfig(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy: %v\n", err)
		if env.Getenv(config.EnvConfigFile) == "" && env.Getenv(config.EnvConfig) == "" {
			fmt.Fprintln(env.Stderr, "vodrefresh check: through s deploy, set vars.configFile in s.yaml to your configuration")
		}
		return 1
	}
	h, err := function.FromEnv(env.Getenv, function.Options{DryRun: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy: %v\n", withLines(env.Getenv, err))
		return 1
	}
	problems, warnings, checked := deployProblems(cfg, env)
	problems = append(problems, unpassed(cfg, env, *syaml)...)
	var accountNote string
	if *account {
		p, w, note := accountProblems(ctx, cfg, env)
		problems, warnings, accountNote = append(problems, p...), append(warnings, w...), note
	}
	var storeLine string
	if *withStore {
		var p, w string
		storeLine, p, w = storeReport(ctx, env.Getenv(function.EnvStoreURL))
		if p != "" {
			problems = append(problems, p)
		}
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "vodrefresh check: warning: %s\n", w)
	}
	if len(problems) > 0 {
		fmt.Fprintf(env.Stderr, "vodrefresh check: not ready to deploy:\n  %s\n", strings.Join(problems, "\n  "))
		return 1
	}
	trigger := "trigger: not checked"
	if f, ok := config.TriggerFromEnv(env.Getenv); checked && ok {
		trigger = "trigger: " + f.String()
	}
	fmt.Fprintf(env.Stdout, "vodrefresh check: ready to deploy: %s (%s), %s %v\n",
		count(len(cfg.OSS), "OSS rule", "OSS rules"), trigger, count(len(cfg.Webhooks), "webhook route", "webhook routes"), h.Routes())
	if accountNote != "" {
		fmt.Fprintln(env.Stdout, accountNote)
	}
	if !checked {
		fmt.Fprintln(env.Stdout, skippedTrigger(cfg))
	}
	if storeLine != "" {
		fmt.Fprintf(env.Stdout, "vodrefresh check: %s\n", storeLine)
	}
	if env.Getenv(function.EnvStoreURL) == "" {
		fmt.Fprintf(env.Stdout, "vodrefresh check: scarce days are planned per instance: %s is not set, so no store is shared, "+
			"and each invocation spends the quota on its own (the planner timer has nothing to plan)\n", function.EnvStoreURL)
	}
	return 0
}

// storeTimeout bounds check --store's report.
const storeTimeout = 5 * time.Second

// storeReport checks the store of url as check --store does: a line for
// stdout, a problem (it does not answer, or takes no writes) and a warning
// (it may evict the store's keys). The store's messages name the server,
// never the password.
func storeReport(ctx context.Context, url string) (line, problem, warning string) {
	if url == "" {
		return fmt.Sprintf("store: %s is not set: each instance keeps its own state", function.EnvStoreURL), "", ""
	}
	s, err := store.Open(url, slog.New(slog.DiscardHandler))
	if err != nil {
		return "", fmt.Sprintf("%s: %v", function.EnvStoreURL, err), ""
	}
	defer s.Close()
	c, ok := s.(store.Checker)
	if !ok {
		return "store: " + s.Kind() + ": not checked", "", ""
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	h, err := c.Health(ctx)
	if err != nil {
		return "", fmt.Sprintf("%s: %s: %v", function.EnvStoreURL, h, err), ""
	}
	if h.Warning != "" {
		warning = fmt.Sprintf("%s: %s", function.EnvStoreURL, h.Warning)
	}
	return "store: " + h.String(), "", warning
}

// loadConfig loads the configuration as the function does. When its
// fields are invalid, the function stops there; loadConfig goes on to
// have refresh compile its templates against the domains that are valid,
// or would be once fixed, and adds what that finds to the error, so that
// one run reports every problem: domains, templates and rules.
func loadConfig(getenv func(string) string) (*config.Config, error) {
	cfg, err := config.Load(getenv)
	var ce *config.Error
	if err == nil || cfg == nil || !errors.As(err, &ce) {
		return cfg, err
	}
	more := templateProblems(cfg, ce.Problems)
	if len(more) == 0 {
		return nil, withLines(getenv, err)
	}
	// The error's text was made when Load wrapped it: keep what it says
	// before the problems (which file), and list them all.
	where := strings.TrimSuffix(err.Error(), ce.Error())
	return nil, withLines(getenv, fmt.Errorf("%s%w", where, &config.Error{Problems: append(ce.Problems[:len(ce.Problems):len(ce.Problems)], more...)}))
}

// everyProblem returns the configuration's every problem when the
// configuration is what made err, and err otherwise.
func everyProblem(getenv func(string) string, err error) error {
	if _, lerr := loadConfig(getenv); lerr != nil {
		return lerr
	}
	return withLines(getenv, err)
}

// withLines returns err with the line of the configuration that each of
// its problems is on, when err is an invalid configuration.
func withLines(getenv func(string) string, err error) error {
	var ce *config.Error
	if !errors.As(err, &ce) {
		return err
	}
	doc, source := []byte(getenv(config.EnvConfig)), "configuration in "+config.EnvConfig+": "
	if file := getenv(config.EnvConfigFile); file != "" {
		b, rerr := os.ReadFile(file)
		if rerr != nil {
			return err
		}
		doc, source = b, "configuration "+file+": "
	}
	where := strings.TrimSuffix(err.Error(), ce.Error())
	if where == "" { // found past Load (a template that does not compile): say where
		where = source
	}
	return fmt.Errorf("%s%w", where, config.WithLines(doc, ce))
}

// templateProblems is what refresh finds wrong with the templates of cfg,
// an invalid configuration, less what known reports already covers: a
// problem of a field already named, or of a route whose kind is unknown
// (its templates' fields cannot be known).
func templateProblems(cfg *config.Config, known []string) []string {
	lenient := *cfg
	lenient.Domains = nil
	for _, d := range cfg.Domains {
		if b, ok := nearestBase(d); ok {
			lenient.Domains = append(lenient.Domains, b)
		}
	}
	_, err := refresh.Compile(&lenient)
	var ce *config.Error
	if !errors.As(err, &ce) {
		return nil
	}
	var out []string
	for _, p := range ce.Problems {
		if !covered(p, known) {
			out = append(out, p)
		}
	}
	return out
}

// nearestBase returns the CDN base that domain d is, or the one it names
// when it is not one (such as https://cdn.mysite.com/videos), and whether
// there is one.
func nearestBase(d string) (string, bool) {
	if b, err := config.ParseBase(d); err == nil {
		return b, true
	}
	u, err := url.Parse(d)
	if err != nil {
		return "", false
	}
	b, err := config.ParseBase(u.Scheme + "://" + u.Host)
	return b, err == nil
}

// covered reports whether problem p, "field: message", is of a field that
// a problem of known already names, or of a webhook route whose kind
// known names as wrong.
func covered(p string, known []string) bool {
	field, _, _ := strings.Cut(p, ": ")
	for _, k := range known {
		kf, _, _ := strings.Cut(k, ": ")
		if kf == field {
			return true
		}
		if route, ok := strings.CutSuffix(kf, ".kind"); ok && strings.HasPrefix(field, route+".") {
			return true
		}
	}
	return false
}
