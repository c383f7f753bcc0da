package function_test

import (
	"context"
	"fmt"

	"vodrefresh/handler/config"
	"vodrefresh/handler/function"
)

// A handler made with no VOD connector is a dry run: Invoke plans the
// refresh of an OSS event's objects and sends nothing.
func ExampleHandler_Invoke() {
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
	h, err := function.New(cfg, function.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"events":[{"eventName":"ObjectCreated:PutObject",
		"oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/summer sale.png"}}}]}`)
	answer, err := h.Invoke(context.Background(), event)
	if err != nil {
		fmt.Println(err)
		return
	}
	res := answer.(*function.Result)
	for _, p := range res.Paths {
		fmt.Println(p.Status, p.ObjectType, p.Path)
	}
	// Output:
	// planned File https://img.example.com/images/summer%20sale.png
}
