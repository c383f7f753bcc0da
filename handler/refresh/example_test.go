package refresh_test

import (
	"context"
	"fmt"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
)

// Planning and fitting are plain calls on data: changes and what is left
// of the quota in, calls out, with no invocation, store or VOD client. A
// folder of 30 new images is more than one invocation's share of 40 URLs
// left, so fitting refreshes the folder as one directory.
func ExamplePlanner_Fit() {
	cfg, err := config.Parse([]byte(`
domains: [https://img.example.com]
oss:
  - bucket: media-bucket
    prefix: images/
    urls: ["https://img.example.com/{key}"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	pl, err := refresh.Compile(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var in refresh.Input
	for i := range 30 {
		in.Records = append(in.Records, event.ObjectEvent{Index: i, EventName: "ObjectCreated:PutObject",
			Bucket: "media-bucket", Key: fmt.Sprintf("images/sale/%02d.jpg", i), Change: event.ChangeCreated})
	}
	plan, err := pl.Plan(context.Background(), in, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fitted, err := pl.Fit(context.Background(), plan, refresh.Room{URLs: 40, Dirs: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(plan.Files), "files planned; fitted:", fitted.URLs, "URLs,", fitted.Dirs, "directory")
	for _, b := range fitted.Batches {
		fmt.Println(b.ObjectType, b.Paths)
	}
	// Output:
	// 30 files planned; fitted: 0 URLs, 1 directory
	// Directory [https://img.example.com/images/sale/]
}
