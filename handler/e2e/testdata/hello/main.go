// Command hello is the smallest FC function: the floor that vodrefresh's
// cold start, transport and memory are measured against. It decodes
// nothing and answers {}.
package main

import (
	"context"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
)

type hello struct{}

func (hello) Invoke(context.Context, []byte) ([]byte, error) { return []byte("{}"), nil }

func main() { fc.StartHandler(hello{}) }
