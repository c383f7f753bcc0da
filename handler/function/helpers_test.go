package function

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/submit"
)

// planConfig is the configuration most tests of the function use; the
// planner's own tests use it too.
var planConfig = string(mustRead("../refresh/testdata/plan.yaml"))

func mustRead(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// mustConfig parses a configuration document.
func mustConfig(t testing.TB, doc string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// compileDoc parses and compiles a configuration document, as start-up does.
func compileDoc(doc string) error {
	cfg, err := config.Parse([]byte(doc))
	if err != nil {
		return err
	}
	_, err = refresh.Compile(cfg)
	return err
}

// splitQuery splits a request target into its path and its query, as the
// map FC's HTTP trigger passes (one value a key).
func splitQuery(target string) (string, map[string]string) {
	path, rawQuery, _ := strings.Cut(target, "?")
	values, _ := url.ParseQuery(rawQuery)
	query := map[string]string{}
	for k := range values {
		query[k] = values.Get(k)
	}
	return path, query
}

// handle runs an event of objects through Invoke, and returns its result
// beside the error: the result accounts for every path even when the
// invocation fails.
func handle(h *Handler, ctx context.Context, payload []byte) (*submit.Result, error) {
	a, err := h.Invoke(ctx, payload)
	r, ok := a.(*Result)
	if !ok {
		if err == nil {
			err = fmt.Errorf("the answer is %T, not a result of objects", a)
		}
		return nil, err
	}
	return r.Result, err
}

// invokeJSON runs fn's Invoke and encodes its answer, as FC's runtime
// does: only when there is no error.
func invokeJSON(fn interface {
	Invoke(context.Context, []byte) (Answer, error)
}, ctx context.Context, payload []byte) ([]byte, error) {
	a, err := fn.Invoke(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(a)
}
