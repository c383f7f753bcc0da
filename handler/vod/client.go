// Package vod is the one door to the ApsaraVideo VOD API: the Client
// interface (refresh, preload, quota, tasks), its implementation over the
// official SDK with the endpoint and the credentials, the classification of
// every failure, and one call with its retries. Everything that talks to
// the network is here; tests of the layers above use an in-memory Client.
//
// It imports trust (the CA roots it verifies VOD against) and nothing
// else of vodrefresh. What a call carries
// comes in as plain values (an object type, paths, the invocation's STS
// credentials), and the time it may take comes in as the context's
// deadline.
package vod

import "context"

// Client calls the VOD API's CDN refresh actions, by path and by media ID.
type Client interface {
	// Refresh submits one RefreshVodObjectCaches call for paths.
	Refresh(ctx context.Context, objectType string, paths []string) (Reply, error)
	// Preload submits one PreloadVodObjectCaches call (prefetch) for paths.
	Preload(ctx context.Context, paths []string) (Reply, error)
	// Quota reads DescribeVodRefreshQuota.
	Quota(ctx context.Context) (Quota, error)
	// Tasks reads every task that matches f (DescribeVodRefreshTasks).
	Tasks(ctx context.Context, f TaskFilter) ([]Task, error)
	// RefreshMediaPlayUrls refreshes the play URLs of at most
	// MaxMediaBatch media, by ID, as one job.
	RefreshMediaPlayUrls(ctx context.Context, ids []string, o MediaOptions) (MediaReply, error)
	// GetMediaRefreshJobs reads the media of a RefreshMediaPlayUrls job.
	GetMediaRefreshJobs(ctx context.Context, jobID string) ([]MediaJob, error)
}

// Reply is what a refresh or preload call answered.
type Reply struct {
	TaskIDs   []string
	RequestID string
}

// Quota is the remaining daily refresh quota.
type Quota struct {
	URLRemain     int `json:"urlRemain"`
	URLQuota      int `json:"urlQuota"`
	DirRemain     int `json:"dirRemain"`
	DirQuota      int `json:"dirQuota"`
	PreloadRemain int `json:"preloadRemain"`
	PreloadQuota  int `json:"preloadQuota"`
}

// The daily quota of an account, assumed when it cannot be read.
const (
	DailyURLQuota     = 2000
	DailyDirQuota     = 100
	DailyPreloadQuota = 500
)
