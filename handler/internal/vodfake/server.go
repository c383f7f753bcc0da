// Package vodfake is a loopback fake of the ApsaraVideo VOD API for tests.
// It checks every request's POP v1 signature as the service does, records
// what it accepted, answers in the service's JSON shapes, and can be
// scripted to fail. It listens on 127.0.0.1 only, answers a bounded number
// of requests and closes itself after a bounded lifetime.
//
// It imports no package of vodrefresh: it stands for the real service.
package vodfake

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server.
type Options struct {
	// Credentials maps AccessKeyId to AccessKeySecret.
	Credentials map[string]string
	// MaxRequests bounds how many requests are answered (default 100000).
	MaxRequests int
	// Lifetime bounds how long the server lives (default 5 minutes).
	Lifetime time.Duration
	// URLQuota, DirQuota and PreloadQuota are the daily quotas (defaults
	// 2000, 100 and 500; a negative value means none); successful calls use
	// them up.
	URLQuota, DirQuota, PreloadQuota int
	// Domains are the account's VOD domains (DescribeVodUserDomains);
	// SetDomains replaces them.
	Domains []Domain
	// TLS, when set, makes the server answer HTTPS with it
	// (testfix.SelfSigned).
	TLS *tls.Config
}

// Request is one request that passed the signature check.
type Request struct {
	Method        string
	Action        string
	Params        url.Values
	AccessKeyID   string
	SecurityToken string
	ObjectType    string
	Paths         []string // ObjectPath split on line breaks
}

// Server is a running fake.
type Server struct {
	opts  Options
	ln    net.Listener
	addr  string
	srv   *http.Server
	timer *time.Timer
	once  sync.Once

	busy        atomic.Int64 // nanoseconds spent in ServeHTTP
	mu          sync.Mutex
	served      int
	rejected    int
	requests    []Request
	nonces      map[string]bool
	scripts     map[string][]Reply
	urlLeft     int
	dirLeft     int
	preLeft     int
	nextTask    int64
	tasks       []*task
	newStatuses []string
	nonExist    map[string]bool
	forbidden   map[string]bool
	nextJob     int64
	jobs        []*mediaJob
	jobStatuses []string
	domains     []Domain
}

// Start starts a Server on 127.0.0.1 and a free port.
func Start(opts Options) (*Server, error) {
	if opts.MaxRequests <= 0 {
		opts.MaxRequests = 100000
	}
	if opts.Lifetime <= 0 {
		opts.Lifetime = 5 * time.Minute
	}
	if opts.URLQuota == 0 {
		opts.URLQuota = 2000
	}
	if opts.DirQuota == 0 {
		opts.DirQuota = 100
	}
	if opts.PreloadQuota == 0 {
		opts.PreloadQuota = 500
	}
	opts.URLQuota, opts.DirQuota, opts.PreloadQuota = max(opts.URLQuota, 0), max(opts.DirQuota, 0), max(opts.PreloadQuota, 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("vodfake: listen: %w", err)
	}
	addr := ln.Addr().String()
	s := &Server{
		opts: opts, ln: ln, addr: addr,
		nonces: map[string]bool{}, scripts: map[string][]Reply{},
		urlLeft: opts.URLQuota, dirLeft: opts.DirQuota, preLeft: opts.PreloadQuota,
		nextTask: 7042200000, domains: slices.Clone(opts.Domains),
	}
	// A refused handshake is the client's to report; the server keeps quiet.
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, TLSConfig: opts.TLS, ErrorLog: log.New(io.Discard, "", 0)}
	if opts.TLS != nil {
		go s.srv.ServeTLS(ln, "", "")
	} else {
		go s.srv.Serve(ln)
	}
	s.mu.Lock()
	s.timer = time.AfterFunc(opts.Lifetime, s.Close)
	s.mu.Unlock()
	return s, nil
}

// Close stops the server. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.timer.Stop()
		s.mu.Unlock()
		s.srv.Close()
	})
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return s.addr }

// Endpoint returns "http://127.0.0.1:PORT" (https with Options.TLS), a
// VOD_ENDPOINT value.
func (s *Server) Endpoint() string {
	if s.opts.TLS != nil {
		return "https://" + s.addr
	}
	return "http://" + s.addr
}

// Requests returns copies of the accepted requests, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Params = cloneValues(r.Params)
		r.Paths = append([]string(nil), r.Paths...)
		out[i] = r
	}
	return out
}

// Rejected returns how many requests failed authentication.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Calls returns how many accepted requests named action.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Action == action {
			n++
		}
	}
	return n
}

// Script queues replies for action: each accepted request for it takes the
// next one; with the queue empty the fake answers as the service would.
func (s *Server) Script(action string, replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[action] = append(s.scripts[action], replies...)
}

// ResetQuota makes the daily quotas whole again, as the reset at
// midnight (UTC+8) does.
func (s *Server) ResetQuota() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.urlLeft, s.dirLeft, s.preLeft = s.opts.URLQuota, s.opts.DirQuota, s.opts.PreloadQuota
}

// Quota returns the remaining URL, directory and preload quota.
func (s *Server) Quota() (urls, dirs, preload int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.urlLeft, s.dirLeft, s.preLeft
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func requestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := strings.ToUpper(hex.EncodeToString(b))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ServeHTTP authenticates, records and answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func(t time.Time) { s.busy.Add(int64(time.Since(t))) }(time.Now())
	params, err := s.params(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("InvalidParameter", err.Error()))
		return
	}
	s.mu.Lock()
	if s.served >= s.opts.MaxRequests {
		s.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, errorBody("ServiceUnavailable", "the fake's request budget is spent"))
		return
	}
	s.served++
	if status, code, msg := s.authenticate(r.Method, r.URL.Path, params); code != "" {
		s.rejected++
		s.mu.Unlock()
		writeJSON(w, status, errorBody(code, msg))
		return
	}
	req := Request{
		Method: r.Method, Action: params.Get("Action"), Params: params,
		AccessKeyID: params.Get("AccessKeyId"), SecurityToken: params.Get("SecurityToken"),
		ObjectType: params.Get("ObjectType"), Paths: splitPaths(params.Get("ObjectPath")),
	}
	s.requests = append(s.requests, req)
	var scripted *Reply
	if q := s.scripts[req.Action]; len(q) > 0 {
		scripted = &q[0]
		s.scripts[req.Action] = q[1:]
	}
	s.mu.Unlock()
	served := scripted != nil && (scripted.Serve || (scripted.Field != "" && scripted.Code == "" && scripted.Body == ""))
	if scripted != nil && !served {
		s.replay(w, r, params, *scripted)
		return
	}
	if scripted != nil && !pause(r, scripted.Delay) {
		return
	}
	status, body := s.act(req)
	if scripted != nil && scripted.Field != "" {
		body = tamper(body, scripted.Field, echoed(r, params, scripted.Inject))
	}
	writeJSON(w, status, body)
}

// echoed returns what a scripted reply echoes of the request: the value of
// the parameter name, or with QueryString the whole query string (the form
// body's parameters, encoded, when the query is empty).
func echoed(r *http.Request, params url.Values, name string) string {
	if name != QueryString {
		return params.Get(name)
	}
	if r.URL.RawQuery != "" {
		return r.URL.RawQuery
	}
	return params.Encode()
}

// tamper returns body, as its JSON decodes, with the value of field (dotted
// for a nested field, through every element of an array) set to v, added
// where the object that holds it lacks it.
func tamper(body any, field, v string) any {
	b, _ := json.Marshal(body)
	var doc any
	json.Unmarshal(b, &doc)
	set(doc, strings.Split(field, "."), v)
	return doc
}

// set sets the value at path in doc to v, and reports whether any object
// held the path's last step.
func set(doc any, path []string, v string) bool {
	switch d := doc.(type) {
	case []any:
		found := false
		for _, e := range d {
			found = set(e, path, v) || found
		}
		return found
	case map[string]any:
		if len(path) == 1 {
			d[path[0]] = v
			return true
		}
		next, ok := d[path[0]]
		return ok && set(next, path[1:], v)
	}
	return false
}

// params reads the query and, for a form body, the form parameters.
func (s *Server) params(r *http.Request) (url.Values, error) {
	params := r.URL.Query()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			params[k] = append(params[k], v...)
		}
	}
	return params, nil
}

// authenticate checks the signature and the common parameters; mu is held.
func (s *Server) authenticate(method, path string, p url.Values) (int, string, string) {
	if path != "/" {
		return 404, "InvalidPath", "the RPC path is /"
	}
	if p.Get("Version") != "2017-03-21" || p.Get("SignatureMethod") != "HMAC-SHA1" || p.Get("SignatureVersion") != "1.0" || p.Get("Format") != "JSON" {
		return 400, "SignatureDoesNotMatch", "Version, SignatureMethod, SignatureVersion or Format is not as signed requests have them"
	}
	secret, ok := s.opts.Credentials[p.Get("AccessKeyId")]
	if !ok {
		return 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", p.Get("Timestamp"))
	if err != nil || time.Since(ts).Abs() > 15*time.Minute {
		return 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
	}
	if p.Get("Signature") == "" || !signatureMatches(method, p, secret) {
		// The service echoes its string to sign, which holds the security
		// token percent-encoded twice.
		return 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign(method, p)
	}
	nonce := p.Get("SignatureNonce")
	if nonce == "" || s.nonces[nonce] {
		return 400, "SignatureNonceUsed", "Specified signature nonce was used already."
	}
	s.nonces[nonce] = true
	return 0, "", ""
}

// pause waits for d, or until the request is gone; false when it is.
func pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// replay answers with a scripted reply.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, params url.Values, rep Reply) {
	if !pause(r, rep.Delay) {
		return
	}
	if rep.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Body != "" {
		w.WriteHeader(status)
		w.Write([]byte(rep.Body))
		return
	}
	if rep.Code == "" {
		writeJSON(w, status, map[string]any{"RequestId": requestID()})
		return
	}
	msg := rep.Message
	if rep.Echo != "" {
		msg = strings.ReplaceAll(msg, "{}", echoed(r, params, rep.Echo))
	}
	var body any = errorBody(rep.Code, msg)
	if rep.Field != "" {
		body = tamper(body, rep.Field, echoed(r, params, rep.Inject))
	}
	writeJSON(w, status, body)
}

func errorBody(code, msg string) map[string]any {
	return map[string]any{"Code": code, "Message": msg, "RequestId": requestID(), "HostId": "vod.cn-shanghai.aliyuncs.com", "Recommend": ""}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// splitPaths splits ObjectPath on "\n" or "\r\n".
func splitPaths(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Busy returns the time the fake has spent answering requests, from
// reading the request to writing the answer: the part of a caller's wait
// that a benchmark should not count against the caller.
func (s *Server) Busy() time.Duration { return time.Duration(s.busy.Load()) }
