package testfix

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Change is one object change of a test workload: an OSS event name and
// the key it changes in media-bucket.
type Change struct{ Event, Key string }

// Day is a video team's day: a new season uploaded as HLS (6 rendition
// folders of 400 segments, each playlist written after its segments), 120
// cover images uploaded again, and 40 old segments deleted, 4 in each of 10
// folders: 2,566 changes.
func Day() []Change {
	var day []Change
	for ep := 1; ep <= 6; ep++ {
		dir := fmt.Sprintf("videos/season2/ep%02d/720p/", ep)
		for s := 1; s <= 400; s++ {
			day = append(day, Change{"ObjectCreated:PutObject", fmt.Sprintf("%sseg%04d.ts", dir, s)})
		}
		day = append(day, Change{"ObjectCreated:PutObject", dir + "index.m3u8"})
	}
	for c := 1; c <= 120; c++ {
		day = append(day, Change{"ObjectCreated:PutObject", fmt.Sprintf("images/covers/cover%03d.jpg", c)})
	}
	for ep := 1; ep <= 10; ep++ {
		for s := 1; s <= 4; s++ {
			day = append(day, Change{"ObjectRemoved:DeleteObject", fmt.Sprintf("videos/season1/ep%02d/720p/seg%04d.ts", ep, s*10)})
		}
	}
	return day
}

// record is the OSS record of change i, as OSS writes it: its request ID
// and ETag name the change on every delivery.
func (c Change) record(i int) map[string]any {
	return map[string]any{
		"eventName": c.Event, "eventSource": "acs:oss", "eventTime": "2026-11-24T08:00:00.000Z", "region": "cn-shanghai",
		"oss": map[string]any{"bucket": map[string]string{"name": "media-bucket"},
			"object": map[string]any{"key": c.Key, "eTag": fmt.Sprintf("ETAG%05d", i), "size": 1024}},
		"responseElements": map[string]string{"requestId": fmt.Sprintf("REQ%05d", i)},
	}
}

// Native is the OSS trigger's event for change i: one record.
func (c Change) Native(i int) []byte {
	b, _ := json.Marshal(map[string]any{"events": []any{c.record(i)}})
	return b
}

// Message is change i as the MNS queue trigger hands it over, once an
// EventBridge rule put it on the queue: the whole OSS CloudEvent as the
// message body.
func (c Change) Message(i int) map[string]any {
	rec := c.record(i)
	delete(rec, "eventName")
	body, _ := json.Marshal(map[string]any{"specversion": "1.0", "id": fmt.Sprintf("EB%05d", i), "source": "acs.oss",
		"type": "oss:" + c.Event, "subject": "acs:oss:cn-shanghai:123456789:media-bucket/" + c.Key, "data": rec})
	return map[string]any{"id": fmt.Sprintf("MNSEV%05d", i), "source": "MNS-Function-vodrefresh", "specversion": "1.0",
		"type": "mns:Queue:SendMessage", "data": map[string]string{"requestId": fmt.Sprintf("MREQ%05d", i),
			"messageId": fmt.Sprintf("MSG%05d", i), "messageBody": string(body)}}
}

// Batches are the MNS queue trigger's invocations for changes, size
// messages a batch.
func Batches(changes []Change, size int) [][]byte {
	var out [][]byte
	for start := 0; start < len(changes); start += size {
		var batch []any
		for i := start; i < min(start+size, len(changes)); i++ {
			batch = append(batch, changes[i].Message(i))
		}
		b, _ := json.Marshal(batch)
		out = append(out, b)
	}
	return out
}

// URL is the URL through which the CDN serves the changed object: images
// on img.example.com, the rest on video.example.com.
func (c Change) URL() string {
	if strings.HasPrefix(c.Key, "images/") {
		return "https://img.example.com/" + c.Key
	}
	return "https://video.example.com/" + c.Key
}

// Stale returns the changes whose URL no accepted refresh covers: neither a
// File refresh of it nor a Directory refresh of a folder that holds it.
func Stale(changes []Change, files map[string]bool, folders []string) []string {
	var stale []string
	for _, c := range changes {
		covered := files[c.URL()]
		for _, f := range folders {
			covered = covered || strings.HasPrefix(c.URL(), f)
		}
		if !covered {
			stale = append(stale, c.Key)
		}
	}
	return stale
}
