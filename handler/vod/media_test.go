package vod_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

// mediaCase is one case of testdata/media_calls.json.
type mediaCase struct {
	Name             string            `json:"name"`
	IDs              []string          `json:"ids"`
	NonExistent      []string          `json:"non_existent"`
	Forbidden        []string          `json:"forbidden"`
	Options          vod.MediaOptions  `json:"options"`
	WantParams       map[string]string `json:"want_params"`
	WantTaken        []string          `json:"want_taken"`
	WantNonExist     []string          `json:"want_non_exist"`
	WantForbidden    []string          `json:"want_forbidden"`
	WantURLsPerMedia int               `json:"want_urls_per_media"`
	WantQuotaURLs    int               `json:"want_quota_urls"`
}

// fakeClient starts a fake VOD API and returns an SDK client signed with
// an STS token for it.
func fakeClient(t *testing.T) (*vodfake.Server, *vod.SDKClient) {
	t.Helper()
	const ak, secret, token = "LTAI-media-key", "media-secret-value-0001", "CAIS-media-token-0001"
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ep, err := vod.ParseEndpoint(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	c, err := vod.NewConnector(ep, nil).Connect(credentials.NewStaticSTSCredentialsProvider(ak, secret, token), secret, token)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// RefreshMediaPlayUrls and GetMediaRefreshJobs go through the SDK with the
// parameters the API names, signed (POST and GET) as the fake checks;
// the media VOD does not take are answered apart, and the job's media
// report their play URLs' task IDs, which DescribeVodRefreshTasks knows.
func TestMediaThroughSDK(t *testing.T) {
	raw, err := os.ReadFile("testdata/media_calls.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []mediaCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			srv, c := fakeClient(t)
			srv.SetNonExistent(tc.NonExistent...)
			srv.SetForbidden(tc.Forbidden...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			route := config.WebhookRoute{Kind: "vod", Mode: "playUrls", Formats: tc.Options.Formats, Definitions: tc.Options.Definitions, Slices: tc.Options.Slices}
			call := vod.SendMedia(ctx, c, tc.IDs, tc.Options, route.MediaURLs(), vod.Backoff{})
			if !call.Sent || call.Error != nil {
				t.Fatalf("not sent: %+v", call.Error)
			}
			if !slices.Equal(call.Paths, tc.WantTaken) || !slices.Equal(call.NonExist, tc.WantNonExist) || !slices.Equal(call.Forbidden, tc.WantForbidden) {
				t.Errorf("taken %v, non-existent %v, forbidden %v", call.Paths, call.NonExist, call.Forbidden)
			}
			if call.URLs != tc.WantQuotaURLs || call.JobID == "" || call.Attempts != 1 {
				t.Errorf("urls %d (want %d), job %q, attempts %d", call.URLs, tc.WantQuotaURLs, call.JobID, call.Attempts)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].SecurityToken == "" {
				t.Fatalf("requests %+v", reqs)
			}
			for k, want := range tc.WantParams {
				if got := reqs[0].Params.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			tasks, ids := vod.FollowMedia(ctx, c, []string{call.JobID}, true, vod.Backoff{Poll: time.Millisecond})
			if len(tasks) != len(tc.WantTaken) || len(ids) != len(tc.WantTaken)*tc.WantURLsPerMedia {
				t.Fatalf("tasks %+v, task IDs %v", tasks, ids)
			}
			for i, task := range tasks {
				if task.TaskID != call.JobID || task.ObjectPath != tc.WantTaken[i] || task.Status != "Success" || task.ObjectType != "media" {
					t.Errorf("task %+v", task)
				}
			}
			last := srv.Requests()[len(srv.Requests())-1]
			if last.Action != "GetMediaRefreshJobs" || last.Method != "GET" || last.Params.Get("MediaRefreshJobId") != call.JobID {
				t.Errorf("the job was read with %s %s %v", last.Method, last.Action, last.Params)
			}
			urls, err := vod.WaitTasks(ctx, c, ids, vod.Backoff{Poll: time.Millisecond})
			if err != nil || len(urls) != len(ids) {
				t.Errorf("the play URLs' tasks: %+v, %v", urls, err)
			}
			if srv.Rejected() != 0 {
				t.Errorf("%d requests failed the signature check", srv.Rejected())
			}
		})
	}
}

// A refused call is an *APIError classified as the other actions' are,
// and a job followed until it is done reports its last status.
func TestMediaErrorsAndFollow(t *testing.T) {
	srv, c := fakeClient(t)
	srv.Script("RefreshMediaPlayUrls", vodfake.ErrorReply("Throttling"), vodfake.Served)
	srv.ScriptMediaJobs("Processing", "Processing", "Success")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.RefreshMediaPlayUrls(ctx, []string{"0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, vod.MediaOptions{}); err == nil {
		t.Fatal("a throttled call succeeded")
	} else if ae, ok := vod.AsAPIError(err); !ok || ae.Code != "Throttling" || ae.Action != "RefreshMediaPlayUrls" {
		t.Fatalf("error %#v", err)
	}
	call := vod.SendMedia(ctx, c, []string{"0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, vod.MediaOptions{Formats: []string{"mp4"}}, 10, vod.Backoff{})
	if !call.Sent {
		t.Fatalf("not sent: %+v", call.Error)
	}
	once, _ := vod.FollowMedia(ctx, c, []string{call.JobID}, false, vod.Backoff{Poll: time.Millisecond})
	if len(once) != 1 || once[0].Status != "Processing" {
		t.Fatalf("read once: %+v", once)
	}
	waited, ids := vod.FollowMedia(ctx, c, []string{call.JobID}, true, vod.Backoff{Poll: time.Millisecond})
	if len(waited) != 1 || waited[0].Status != "Success" || len(ids) != 1 {
		t.Fatalf("followed: %+v %v", waited, ids)
	}
	if srv.Calls("GetMediaRefreshJobs") != 3 || srv.Rejected() != 0 {
		t.Errorf("%d job reads, %d rejected", srv.Calls("GetMediaRefreshJobs"), srv.Rejected())
	}
}
