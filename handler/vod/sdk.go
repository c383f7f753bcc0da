package vod

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	vodapi "github.com/aliyun/alibaba-cloud-sdk-go/services/vod"

	"vodrefresh/handler/trust"
)

// DefaultRequestTimeout bounds one VOD API call (the SDK's own read timeout).
const DefaultRequestTimeout = 10 * time.Second

// Connector makes VOD clients. Each invocation gets its own client, because
// the SDK's client mutates its http.Client per call and so cannot be shared
// between concurrent invocations; they share one connection pool.
type Connector struct {
	endpoint  Endpoint
	transport http.RoundTripper
	timeout   time.Duration
	getenv    func(string) string
}

// pooled hides the shared *http.Transport from the SDK, which would otherwise
// rewrite its dialer and TLS settings on every call (a data race across
// clients). The transport is built on the first call, once the CA roots
// it verifies VOD against are loaded.
type pooled struct{ rt func() *http.Transport }

func (p pooled) RoundTrip(r *http.Request) (*http.Response, error) { return p.rt().RoundTrip(r) }

// NewConnector returns a Connector for the endpoint. getenv reads the
// environment's credentials when an invocation brings none; nil reads none.
// For an HTTPS endpoint it starts loading the CA roots (trust.Roots) at
// once, so that the loading overlaps whatever the caller does before its
// first call.
func NewConnector(ep Endpoint, getenv func(string) string) *Connector {
	return newConnector(ep, getenv, trust.Roots)
}

// newConnector is NewConnector with the CA roots that roots returns.
func newConnector(ep Endpoint, getenv func(string) string, roots func() *x509.CertPool) *Connector {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	https := strings.EqualFold(ep.Scheme, "HTTPS")
	if https {
		go roots()
	}
	t := sync.OnceValue(func() *http.Transport {
		t := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: 5 * time.Second,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		}
		if https {
			t.TLSClientConfig = &tls.Config{RootCAs: roots(), MinVersion: tls.VersionTLS12}
		}
		return t
	})
	return &Connector{endpoint: ep, transport: pooled{t}, timeout: DefaultRequestTimeout, getenv: getenv}
}

// Endpoint returns where the connector's clients send requests.
func (c *Connector) Endpoint() Endpoint { return c.endpoint }

// SDKClient is the Client that calls the VOD API through the official SDK,
// with one set of credentials. It is not safe for concurrent use: make one
// per invocation.
type SDKClient struct {
	client  *vodapi.Client
	scheme  string
	timeout time.Duration
	redact  *Redactor
}

// endpointData makes the SDK build its package-level endpoint map once,
// before clients are made concurrently: vodapi.NewClientWithOptions fills it
// lazily without synchronisation, a data race between the first concurrent
// invocations.
var endpointData sync.Once

// Connect returns a client that signs with provider. secrets are the values
// that must never appear in an error (the key secret and security token).
func (c *Connector) Connect(provider credentials.CredentialsProvider, secrets ...string) (*SDKClient, error) {
	endpointData.Do(func() { vodapi.GetEndpointMap() })
	cfg := sdk.NewConfig().WithScheme(c.endpoint.Scheme).WithAutoRetry(false)
	cfg.Transport = c.transport
	client, err := vodapi.NewClientWithOptions(Region, cfg, provider)
	if err != nil {
		return nil, fmt.Errorf("vod client: %w", err)
	}
	client.Domain = c.endpoint.Host
	return &SDKClient{client: client, scheme: c.endpoint.Scheme, timeout: c.timeout, redact: NewRedactor(secrets...)}, nil
}

// Refresh submits one RefreshVodObjectCaches call for paths.
func (v *SDKClient) Refresh(ctx context.Context, objectType string, paths []string) (Reply, error) {
	req := vodapi.CreateRefreshVodObjectCachesRequest()
	req.ObjectType, req.ObjectPath = objectType, strings.Join(paths, "\n")
	return v.submit(ctx, "RefreshVodObjectCaches", "RefreshTaskId", req, func(a *submitAnswer) text { return a.RefreshTaskId })
}

// Preload submits one PreloadVodObjectCaches call (prefetch) for paths.
func (v *SDKClient) Preload(ctx context.Context, paths []string) (Reply, error) {
	req := vodapi.CreatePreloadVodObjectCachesRequest()
	req.ObjectPath = strings.Join(paths, "\n")
	return v.submit(ctx, "PreloadVodObjectCaches", "PreloadTaskId", req, func(a *submitAnswer) text { return a.PreloadTaskId })
}

// submitAnswer is the answer of a refresh or a preload.
type submitAnswer struct {
	RequestId     text
	RefreshTaskId text
	PreloadTaskId text
}

// submit makes a refresh or preload call and reads its task IDs from the
// answer's field idField, which field returns.
func (v *SDKClient) submit(ctx context.Context, action, idField string, req requests.AcsRequest, field func(*submitAnswer) text) (Reply, error) {
	var resp submitAnswer
	status, red, err := plainCall(ctx, v, action, req, &resp)
	if err != nil {
		return Reply{}, err
	}
	a := newAnswer(action, status, string(resp.RequestId), red)
	ids := a.taskIDs(idField, string(field(&resp)))
	if !a.ok() {
		return Reply{}, a.err
	}
	return Reply{TaskIDs: ids, RequestID: a.requestID}, nil
}

// sdkCall makes one SDK call over the client's scheme, bounded by ctx's
// deadline, and turns its failure into an *APIError. With the answer it
// returns the redactor of the call: the client's secrets and the
// request's signature, which the answer's free text must not hold either.
func sdkCall[Q requests.AcsRequest, R any](ctx context.Context, v *SDKClient, action string, req Q, call func(Q) (R, error)) (R, *Redactor, error) {
	var zero R
	req.SetScheme(v.scheme)
	if !v.bound(ctx, req.SetReadTimeout) {
		return zero, nil, NotSent(action, "no time was left before the deadline")
	}
	resp, err := call(req)
	// The SDK put the request's Signature among its query parameters
	// while signing it: an answer may echo it under any label, or none.
	red := v.redact.With(req.GetQueryParams()["Signature"])
	if err != nil {
		return zero, nil, v.wrap(action, err, red)
	}
	return resp, red, nil
}

// bound sets the call's timeout so that it ends by ctx's deadline, which
// callers set short of the invocation's (submit.WithAnswerMargin). It reports
// false, and sets nothing, when no time is left: the call must not be
// made.
func (v *SDKClient) bound(ctx context.Context, set func(time.Duration)) bool {
	if ctx.Err() != nil {
		return false
	}
	t := v.timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return false
		}
		t = min(t, left)
	}
	set(t)
	return true
}

// SplitTaskIDs splits the comma-separated task IDs that the API returns.
func SplitTaskIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// wrap turns an SDK error into an *APIError with no secret in it: neither
// the client's key secret and security token nor the failed request's
// signature (both in red), however the message labels them.
func (v *SDKClient) wrap(action string, err error, red *Redactor) error {
	e := NewAPIError(action, err, red)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e.Code = CodeTimeout
	}
	return e
}

// Quota reads DescribeVodRefreshQuota. The API returns numbers as strings;
// each must be digits alone.
func (v *SDKClient) Quota(ctx context.Context) (Quota, error) {
	var resp struct {
		RequestId, UrlRemain, UrlQuota, DirRemain, DirQuota, PreloadRemain, PreloadQuota text
	}
	status, red, err := plainCall(ctx, v, "DescribeVodRefreshQuota", vodapi.CreateDescribeVodRefreshQuotaRequest(), &resp)
	if err != nil {
		return Quota{}, err
	}
	a := newAnswer("DescribeVodRefreshQuota", status, string(resp.RequestId), red)
	var q Quota
	for _, f := range []struct {
		name string
		s    text
		dst  *int
	}{
		{"UrlRemain", resp.UrlRemain, &q.URLRemain}, {"UrlQuota", resp.UrlQuota, &q.URLQuota},
		{"DirRemain", resp.DirRemain, &q.DirRemain}, {"DirQuota", resp.DirQuota, &q.DirQuota},
		{"PreloadRemain", resp.PreloadRemain, &q.PreloadRemain}, {"PreloadQuota", resp.PreloadQuota, &q.PreloadQuota},
	} {
		*f.dst = a.number(f.name, string(f.s))
	}
	if !a.ok() {
		return Quota{}, a.err
	}
	return q, nil
}
