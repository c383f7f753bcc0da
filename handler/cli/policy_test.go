package cli

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// Every action the fake VOD sees while the features of the configuration
// run (a put that waits for its task and prefetches, a transcode refreshed
// by play URL from the queue, a failed put that FC's destination wrote to
// the queue) is in the policy that policy prints for it,
// which names mns:SendMessage on the queues of s.yaml and lets FC assume
// the role.
func TestPolicyCoversWhatTheFeaturesCall(t *testing.T) {
	srv := startFake(t)
	env := credEnv(t, srv.Endpoint())
	env["REFRESH_CONFIG_FILE"] = "testdata/policy.yaml"
	transcode := string(testfix.Read(t, "..", "webhook", "testdata", "vod", "transcode.json"))
	body, _ := json.Marshal(transcode)
	put := string(testfix.Read(t, "..", "..", "events", "oss-put.json"))
	// What FC's onFailure destination writes to the queue: the failed OSS
	// invocation's record, read from the queue as base64.
	record, _ := json.Marshal(map[string]any{"timestamp": 1796600000000, "requestContext": map[string]any{"requestId": "r1", "condition": "UnhandledInvocationError", "approximateInvokeCount": 4},
		"requestPayload": strings.ReplaceAll(put, "launch.mp4", "trailer.mp4"), "responseContext": map[string]any{"statusCode": 200, "functionError": "UnhandledInvocationError"}})
	destination := `[{"messageId":"M2","messageBody":"` + base64.StdEncoding.EncodeToString(record) + `"}]`
	for _, event := range []string{put, `[{"messageId":"M1","messageBody":` + string(body) + `}]`, destination} {
		if r := runCLI(t, env, event, "invoke", "--send", "-"); r.code != 0 {
			t.Fatalf("invoke: exit %d, %s", r.code, r.stderr)
		}
	}
	r := runCLI(t, env, "", "policy", "--s-yaml", "../../s.yaml")
	var p policies
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || r.code != 0 {
		t.Fatalf("policy: exit %d, %s %s (%v)", r.code, r.stdout, r.stderr, err)
	}
	allowed := p.Policy.Statement[0].Action
	seen := map[string]bool{}
	replayed := false
	for _, q := range srv.Requests() {
		seen["vod:"+q.Action] = true
		replayed = replayed || slices.ContainsFunc(q.Paths, func(p string) bool { return strings.HasSuffix(p, "/trailer.mp4") })
	}
	if !replayed {
		t.Error("the destination's record was not refreshed: the test plays too little")
	}
	for a := range seen {
		if !slices.Contains(allowed, a) {
			t.Errorf("the fake saw %s, which the policy %q does not allow", a, allowed)
		}
	}
	for _, want := range []string{"vod:RefreshMediaPlayUrls", "vod:PreloadVodObjectCaches", "vod:DescribeVodRefreshTasks"} {
		if !seen[want] {
			t.Errorf("the features did not call %s: the test plays too little (saw %v)", want, seen)
		}
	}
	if len(p.Policy.Statement) != 2 || !slices.Contains(p.Policy.Statement[1].Action, "mns:SendMessage") ||
		!strings.Contains(r.stdout, ":/queues/vodrefresh-oss-events") || !strings.Contains(r.stdout, "fc.aliyuncs.com") {
		t.Errorf("policy %s: want mns:SendMessage on the queue and FC's trust", r.stdout)
	}
}

// The README shows the policy that policy prints for the sample
// configuration.
func TestREADMEShowsThePolicy(t *testing.T) {
	r := runCLI(t, map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml"}, "", "policy", "--s-yaml", "../../s.yaml")
	readme := string(testfix.Read(t, "..", "..", "README.md"))
	if r.code != 0 || !strings.Contains(readme, "```json\n"+r.stdout+"```") {
		t.Errorf("the README's policy is not what policy prints:\n%s", r.stdout)
	}
}
