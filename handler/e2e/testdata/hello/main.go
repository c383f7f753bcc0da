// Command hello is the smallest FC function: the floor that vodrefresh's
// cold start, transport and memory are measured against. It decodes
// nothing and answers {}. (fc.StartHandler in fc-runtime-go-sdk v0.3.1
// accepts only functions, so it is started as vodrefresh is.)
package main

import (
	"context"
	"encoding/json"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
)

func main() {
	fc.Start(func(context.Context, []byte) (json.RawMessage, error) { return json.RawMessage("{}"), nil })
}
