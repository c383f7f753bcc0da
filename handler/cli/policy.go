package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"vodrefresh/handler/config"
	"vodrefresh/handler/function"
)

// ramPolicy is a RAM policy document.
type ramPolicy struct {
	Version   string         `json:"Version"`
	Statement []ramStatement `json:"Statement"`
}

type ramStatement struct {
	Effect    string         `json:"Effect"`
	Action    []string       `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Principal map[string]any `json:"Principal,omitempty"`
}

// policies are what the function's role needs: the permission policy and
// the trust policy that lets FC assume the role.
type policies struct {
	Policy ramPolicy `json:"policy"`
	Trust  ramPolicy `json:"trust"`
}

// vodActions are the VOD actions that the configuration's features use:
// refreshing and the quota always; the tasks for a rule or route that
// waits, and for the planner that follows tasks (a shared store); preload
// for prefetch; the play URLs and their jobs for a playUrls route. It
// leaves out vod:DescribeVodUserDomains: the function never calls it; only
// check --account does, with the operator's own credentials.
func vodActions(cfg *config.Config, shared bool) []string {
	actions := []string{"vod:RefreshVodObjectCaches", "vod:DescribeVodRefreshQuota"}
	wait, prefetch, playURLs := shared, false, false
	for _, r := range cfg.OSS {
		wait, prefetch = wait || r.Wait, prefetch || r.Prefetch
	}
	for _, w := range cfg.Webhooks {
		wait, playURLs = wait || w.Wait, playURLs || w.PlayURLs()
	}
	if wait || playURLs {
		actions = append(actions, "vod:DescribeVodRefreshTasks")
	}
	if prefetch {
		actions = append(actions, "vod:PreloadVodObjectCaches")
	}
	if playURLs {
		actions = append(actions, "vod:RefreshMediaPlayUrls", "vod:GetMediaRefreshJobs")
	}
	return actions
}

// queueARNs reads, from s.yaml's vars, the ARNs of the queue that FC's
// onFailure destination writes to and of the dead-letter queue that the
// queue trigger writes to; none when s.yaml does not name them.
func queueARNs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Vars map[string]string `yaml:"vars"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	region, account := doc.Vars["region"], doc.Vars["accountID"]
	if account == "" || account == "${config('AccountID')}" {
		account = "<account-id>"
	}
	var out []string
	for _, q := range []string{doc.Vars["queue"], doc.Vars["deadLetterQueue"]} {
		if q != "" {
			out = append(out, fmt.Sprintf("acs:mns:%s:%s:/queues/%s", region, account, q))
		}
	}
	return out, nil
}

// policy prints the least-privilege RAM policy that the configuration and
// s.yaml need, and the role's trust policy.
func policy(_ context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("policy", flag.ContinueOnError)
	syaml := fs.String("s-yaml", "s.yaml", "the deployment's s.yaml, for the queues the role writes to")
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh policy: %v\n", err)
		return 1
	}
	queues, err := queueARNs(*syaml)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh policy: %v\n", err)
		return 1
	}
	p := policies{
		Policy: ramPolicy{Version: "1", Statement: []ramStatement{{Effect: "Allow", Action: vodActions(cfg, env.Getenv(function.EnvStoreURL) != ""), Resource: "*"}}},
		Trust:  ramPolicy{Version: "1", Statement: []ramStatement{{Effect: "Allow", Action: []string{"sts:AssumeRole"}, Principal: map[string]any{"Service": []string{"fc.aliyuncs.com"}}}}},
	}
	if len(queues) > 0 {
		p.Policy.Statement = append(p.Policy.Statement, ramStatement{Effect: "Allow", Action: []string{"mns:SendMessage"}, Resource: slices.Clip(queues)})
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return 1
	}
	return 0
}
