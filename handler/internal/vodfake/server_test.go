package vodfake

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
)

const (
	ak     = "LTAIfaketest01"
	secret = "fake-secret-01"
	token  = "fake-sts-token-01"
)

// The string to sign and the signature, worked out by hand (RFC 3986
// encoding of each pair, sorted, encoded again) for a fixed request.
func TestSignatureVector(t *testing.T) {
	p := url.Values{}
	for k, v := range map[string]string{
		"AccessKeyId": "testid", "Action": "DescribeVodRefreshQuota", "Format": "JSON", "RegionId": "cn-shanghai",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureType": "",
		"SignatureVersion": "1.0", "Timestamp": "2026-11-24T03:00:00Z", "Version": "2017-03-21",
		"ObjectPath": "https://a.example.com/x y*~.png",
	} {
		p.Set(k, v)
	}
	want := "POST&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeVodRefreshQuota%26Format%3DJSON%26ObjectPath%3Dhttps%253A%252F%252Fa.example.com%252Fx%2520y%252A~.png%26RegionId%3Dcn-shanghai%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureType%3D%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-24T03%253A00%253A00Z%26Version%3D2017-03-21"
	if got := stringToSign("POST", p); got != want {
		t.Fatalf("string to sign\n got %s\nwant %s", got, want)
	}
	p.Set("Signature", "zW+w0cfN6lFksBuDzjPbFSGYOS4=")
	if !signatureMatches("POST", p, "testsecret") {
		t.Error("the hand-computed signature is rejected")
	}
	if signatureMatches("POST", p, "othersecret") || signatureMatches("GET", p, "testsecret") {
		t.Error("a wrong secret or method is accepted")
	}
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Credentials == nil {
		opts.Credentials = map[string]string{ak: secret}
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func client(t *testing.T, s *Server, sk string) *vod.Client {
	t.Helper()
	c, err := vod.NewClientWithOptions("cn-shanghai", sdk.NewConfig().WithScheme("HTTP"), credentials.NewStaticSTSCredentialsProvider(ak, sk, token))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = s.Addr()
	return c
}

func refresh(c *vod.Client, typ string, paths ...string) (*vod.RefreshVodObjectCachesResponse, error) {
	req := vod.CreateRefreshVodObjectCachesRequest()
	req.ObjectType = typ
	req.ObjectPath = strings.Join(paths, "\n")
	return c.RefreshVodObjectCaches(req)
}

func serverCode(t *testing.T, err error) (string, int) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a ServerError", err)
	}
	return se.ErrorCode(), se.HttpStatus()
}

func TestRefreshThroughSDK(t *testing.T) {
	s := start(t, Options{})
	resp, err := refresh(client(t, s, secret), "File", "https://v.example.com/a.mp4", "https://v.example.com/b%20c.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if ids := strings.Split(resp.RefreshTaskId, ","); len(ids) != 2 || ids[0] == ids[1] || resp.RequestId == "" {
		t.Errorf("answer %+v", resp)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Action != "RefreshVodObjectCaches" || r.ObjectType != "File" || r.AccessKeyID != ak || r.SecurityToken != token ||
		!reflect.DeepEqual(r.Paths, []string{"https://v.example.com/a.mp4", "https://v.example.com/b%20c.mp4"}) {
		t.Errorf("recorded %+v", r)
	}
	if u, _, _ := s.Quota(); u != 1998 {
		t.Errorf("URL quota left %d", u)
	}
}

func TestRejects(t *testing.T) {
	s := start(t, Options{})
	_, err := refresh(client(t, s, "wrong-secret"), "File", "https://v.example.com/a.mp4")
	if code, status := serverCode(t, err); code != "SignatureDoesNotMatch" || status != 400 {
		t.Errorf("wrong secret: %s %d", code, status)
	}
	if len(s.Requests()) != 0 || s.Rejected() != 1 {
		t.Errorf("recorded %d, rejected %d", len(s.Requests()), s.Rejected())
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("the reply holds the secret")
	}
}

// A request signed correctly, then altered, or sent twice, is rejected.
func TestTamperAndReplay(t *testing.T) {
	s := start(t, Options{})
	p := url.Values{}
	for k, v := range map[string]string{"AccessKeyId": ak, "Action": "DescribeVodRefreshQuota", "Format": "JSON", "RegionId": "cn-shanghai",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "n-1", "SignatureType": "", "SignatureVersion": "1.0",
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"), "Version": "2017-03-21"} {
		p.Set(k, v)
	}
	p.Set("Signature", sign(secret, stringToSign("POST", p)))
	tampered := cloneValues(p)
	tampered.Set("RegionId", "cn-hangzhou")
	post := func(v url.Values) int {
		resp, err := httpPost(s.Endpoint() + "/?" + v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if got := post(tampered); got != 400 {
		t.Errorf("tampered: %d", got)
	}
	if got := post(p); got != 200 {
		t.Errorf("good: %d", got)
	}
	if got := post(p); got != 400 {
		t.Errorf("replayed: %d", got)
	}
	if s.Rejected() != 2 || s.Calls("DescribeVodRefreshQuota") != 1 {
		t.Errorf("rejected %d, calls %d", s.Rejected(), s.Calls("DescribeVodRefreshQuota"))
	}
}

func TestScriptedSeedErrors(t *testing.T) {
	s := start(t, Options{})
	c := client(t, s, secret)
	for _, code := range SeedErrorCodes() {
		s.Script("RefreshVodObjectCaches", ErrorReply(code))
		_, err := refresh(c, "File", "https://v.example.com/a.mp4")
		got, status := serverCode(t, err)
		if got != code || status != ErrorReply(code).Status || status < 400 {
			t.Errorf("%s: got %s %d", code, got, status)
		}
	}
	if u, _, _ := s.Quota(); u != 2000 {
		t.Errorf("scripted errors used quota: %d left", u)
	}
	if len(SeedErrorCodes()) != 14 {
		t.Errorf("the seed's table has 14 codes, got %d", len(SeedErrorCodes()))
	}
}

func TestDropAndValidation(t *testing.T) {
	s := start(t, Options{DirQuota: 1})
	c := client(t, s, secret)
	s.Script("RefreshVodObjectCaches", Reply{Drop: true})
	if _, err := refresh(c, "File", "https://v.example.com/a.mp4"); err == nil {
		t.Error("dropped connection: no error")
	} else {
		var se *sdkerrors.ServerError
		if errors.As(err, &se) {
			t.Errorf("dropped connection came back as a server error: %v", err)
		}
	}
	tests := []struct {
		typ   string
		paths []string
		code  string
	}{
		{"File", nil, "MissingParameter"},
		{"Regex", []string{"https://v.example.com/a"}, "InvalidObjectType.ValueNotSupported"},
		{"File", []string{"v.example.com/a"}, "InvalidObjectPath.Malformed"},
		{"Directory", []string{"https://v.example.com/a"}, "InvalidObjectPath.Malformed"},
		{"File", []string{"https://*.example.com/a"}, "InvalidExtensiveDomain.ValueNotSupported"},
		{"Directory", []string{"https://v.example.com/a/", "https://v.example.com/b/"}, "QuotaExceeded.Refresh"},
	}
	for _, tt := range tests {
		_, err := refresh(c, tt.typ, tt.paths...)
		if code, _ := serverCode(t, err); code != tt.code {
			t.Errorf("%s %q: %s, want %s", tt.typ, tt.paths, code, tt.code)
		}
	}
}

func TestQuotaAndTasks(t *testing.T) {
	s := start(t, Options{})
	c := client(t, s, secret)
	resp, err := refresh(c, "File", "https://v.example.com/1", "https://v.example.com/2", "https://v.example.com/3")
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.DescribeVodRefreshQuota(vod.CreateDescribeVodRefreshQuotaRequest())
	if err != nil {
		t.Fatal(err)
	}
	if q.UrlRemain != "1997" || q.DirRemain != "100" || q.UrlQuota != "2000" {
		t.Errorf("quota %+v", q)
	}
	ids := strings.Split(resp.RefreshTaskId, ",")
	s.ScriptTaskStatuses(ids[0], "Refreshing", "Failed")
	req := vod.CreateDescribeVodRefreshTasksRequest()
	req.TaskId = ids[0]
	for _, want := range []string{"Refreshing", "Failed", "Failed"} {
		r, err := c.DescribeVodRefreshTasks(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Tasks.Task) != 1 || r.Tasks.Task[0].Status != want || r.Tasks.Task[0].ObjectPath != "https://v.example.com/1" {
			t.Errorf("tasks %+v, want %s", r.Tasks.Task, want)
		}
	}
	page := vod.CreateDescribeVodRefreshTasksRequest()
	page.PageSize = "2"
	page.PageNumber = "2"
	r, err := c.DescribeVodRefreshTasks(page)
	if err != nil {
		t.Fatal(err)
	}
	if r.TotalCount != 3 || len(r.Tasks.Task) != 1 || r.Tasks.Task[0].TaskId != ids[2] {
		t.Errorf("page 2: total %d, %+v", r.TotalCount, r.Tasks.Task)
	}
}

func TestBounded(t *testing.T) {
	s := start(t, Options{MaxRequests: 1, Lifetime: time.Second})
	c := client(t, s, secret)
	if _, err := refresh(c, "File", "https://v.example.com/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := refresh(c, "File", "https://v.example.com/b"); err == nil {
		t.Error("a request past MaxRequests was served")
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := httpPost(s.Endpoint() + "/"); err == nil {
		t.Error("the server outlived its lifetime")
	}
}

// A tampered reply answers as the service would, with one field holding
// what the request carried: a parameter, or the whole query string.
func TestTamperedReplies(t *testing.T) {
	s := start(t, Options{})
	c := client(t, s, secret)
	s.Script("RefreshVodObjectCaches", Tampered("RefreshTaskId", "SecurityToken"), Tampered("RequestId", QueryString),
		Reply{Status: 400, Code: "Throttling", Field: "Code", Inject: "Signature"})
	resp, err := refresh(c, "File", "https://v.example.com/a.mp4")
	if err != nil || resp.RefreshTaskId != token {
		t.Fatalf("RefreshTaskId %q, %v", resp.RefreshTaskId, err)
	}
	resp, err = refresh(c, "File", "https://v.example.com/a.mp4")
	if err != nil || !strings.Contains(resp.RequestId, "SecurityToken="+token) || !strings.Contains(resp.RequestId, "Signature=") || resp.RefreshTaskId == "" {
		t.Fatalf("answer %+v, %v", resp, err)
	}
	_, err = refresh(c, "File", "https://v.example.com/a.mp4")
	reqs := s.Requests()
	if code, _ := serverCode(t, err); code != reqs[len(reqs)-1].Params.Get("Signature") {
		t.Errorf("code %q is not the signature", code)
	}
	s.Script("DescribeVodRefreshTasks", Tampered("Tasks.Task.ObjectPath", "SecurityToken"))
	tr := vod.CreateDescribeVodRefreshTasksRequest()
	tasks, err := c.DescribeVodRefreshTasks(tr)
	if err != nil || len(tasks.Tasks.Task) < 2 {
		t.Fatalf("tasks %+v, %v", tasks, err)
	}
	for _, task := range tasks.Tasks.Task {
		if task.ObjectPath != token || task.TaskId == "" {
			t.Errorf("task %+v", task)
		}
	}
}
