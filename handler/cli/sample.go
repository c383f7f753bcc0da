package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// defaultAddr is where serve listens, and send-sample sends, by default.
const defaultAddr = "127.0.0.1:9000"

// sendSample sends a sample HTTP trigger event to a local serve: it takes
// the sample's request (path, query, headers, body, decoded from base64
// when the event says so), signs it anew for its route with the route's
// secret from the environment and the time now, and POSTs it. It sends
// only to a loopback address: the signed request is for a local serve, not
// a deployed function.
func sendSample(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("send-sample", flag.ContinueOnError)
	addr := fs.String("addr", defaultAddr, "the address serve listens on: a loopback address")
	secretEnv := fs.String("secret-env", "", "the variable that holds the secret (default: the route's secretEnv)")
	timeout := fs.Duration("timeout", 10*time.Second, "give up waiting for the answer after this long")
	pos, code, ok := parseArgs(fs, args, 1, env)
	if !ok {
		return code
	}
	if err := loopback(*addr); err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: --addr %s: %v\n", *addr, err)
		return 2
	}
	name := sampleFile(pos[0])
	payload, err := readEvent(name, env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %v\n", err)
		return 1
	}
	req, err := sampleRequest(name, payload)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %v\n", err)
		return 1
	}
	route, err := sampleRoute(env.Getenv, req.Path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %v\n", err)
		return 1
	}
	if *secretEnv != "" {
		route.SecretEnv = *secretEnv
	}
	if err := sign(req, route, env.Getenv, time.Now()); err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %s: %v\n", route.Path, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	return post(ctx, "http://"+*addr, req, env)
}

// loopback returns an error unless addr is host:port on a loopback address
// (localhost, 127.0.0.0/8 or ::1).
func loopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return errors.New("send-sample sends to a local serve only: give a loopback address such as " + defaultAddr)
}

// sampleFile is the file a sample argument names: the file itself when it
// exists or names a path, else the sample of that name in events/ (ghost
// is events/http-ghost.json).
func sampleFile(arg string) string {
	if _, err := os.Stat(arg); err == nil || arg == "-" || strings.ContainsAny(arg, `/\.`) {
		return arg
	}
	return filepath.Join("events", "http-"+arg+".json")
}

// sampleRequest reads the request an HTTP trigger event carries.
func sampleRequest(name string, payload []byte) (*event.HTTPRequest, error) {
	ev, err := event.Detect(payload, event.Options{})
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	case ev.HTTP == nil:
		return nil, fmt.Errorf("%s is not an HTTP trigger event (its shape is %s): run it with invoke", name, ev.Shape)
	case ev.HTTPErr != nil:
		return nil, fmt.Errorf("%s: %w", name, ev.HTTPErr)
	}
	return ev.HTTP, nil
}

// sampleRoute returns a copy of the configuration's route at path.
func sampleRoute(getenv func(string) string, path string) (*config.WebhookRoute, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, w := range cfg.Webhooks {
		if w.Path == path {
			return &w, nil
		}
		paths = append(paths, w.Path)
	}
	slices.Sort(paths)
	return nil, fmt.Errorf("the configuration has no route %s for the sample (routes: %s)", path, strings.Join(paths, ", "))
}

// post sends req to base and prints the answer: its body on stdout, its
// status on stderr. An answer of 400 or more exits 1.
func post(ctx context.Context, base string, req *event.HTTPRequest, env Env) int {
	target := base + req.Path
	if q := encodeQuery(req.Query); q != "" {
		target += "?" + q
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(req.Body))
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %v\n", err)
		return 1
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: %v (is vodrefresh serve running on %s?)\n", err, strings.TrimPrefix(base, "http://"))
		return 1
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh send-sample: reading the answer: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "vodrefresh send-sample: POST %s: %s\n", target, resp.Status)
	fmt.Fprintf(env.Stdout, "%s\n", indented(bytes.TrimSpace(body), env.StdoutIsTerminal))
	if resp.StatusCode >= http.StatusBadRequest {
		return 1
	}
	return 0
}

// encodeQuery writes a query map as a query string, keys sorted.
func encodeQuery(q map[string]string) string {
	v := url.Values{}
	for k, val := range q {
		v.Set(k, val)
	}
	return v.Encode()
}
