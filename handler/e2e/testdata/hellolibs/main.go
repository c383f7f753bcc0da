// Command hellolibs is the hello-world function with the libraries that
// vodrefresh cannot do without, used as simply as their documentation
// shows: the floor that tells what those libraries cost at start from what
// vodrefresh itself adds.
//
// Each invocation decodes its event as an OSS event (the runtime SDK's
// events.OssEvent, with encoding/json), reads REFRESH_CONFIG as YAML
// (go.yaml.in/yaml/v3) into a struct and validates it (validator/v10). When VOD_ENDPOINT is set, it
// then makes the two calls of vodrefresh's first answer through the VOD
// SDK, with the invocation's credentials: DescribeVodRefreshQuota, and
// RefreshVodObjectCaches of one URL. When REFRESH_STORE_URL is set, it
// pings that Redis (go-redis) first. It answers {}, or fails with the
// first error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"

	vodapi "github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
	"github.com/go-playground/validator/v10"
	"github.com/redis/go-redis/v9"
	"go.yaml.in/yaml/v3"
)

// settings is the part of vodrefresh's configuration that the floor reads.
type settings struct {
	Domains []string `yaml:"domains" validate:"required,dive,url"`
	OSS     []struct {
		Bucket string   `yaml:"bucket" validate:"required"`
		Prefix string   `yaml:"prefix"`
		URLs   []string `yaml:"urls" validate:"required,dive,required"`
	} `yaml:"oss" validate:"dive"`
	Webhooks []struct {
		Path      string `yaml:"path" validate:"required,startswith=/"`
		Kind      string `yaml:"kind" validate:"required"`
		SecretEnv string `yaml:"secretEnv" validate:"required"`
	} `yaml:"webhooks" validate:"dive"`
}

func main() {
	fc.Start(func(ctx context.Context, event []byte) (json.RawMessage, error) {
		var ev events.OssEvent
		if err := json.Unmarshal(event, &ev); err != nil {
			return nil, err
		}
		if err := serve(ctx); err != nil {
			return nil, err
		}
		return json.RawMessage("{}"), nil
	})
}

func serve(ctx context.Context) error {
	var s settings
	if err := yaml.Unmarshal([]byte(os.Getenv("REFRESH_CONFIG")), &s); err != nil {
		return err
	}
	if err := validator.New().Struct(&s); err != nil {
		return err
	}
	if u := os.Getenv("REFRESH_STORE_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			return err
		}
		if err := redis.NewClient(opt).Ping(ctx).Err(); err != nil {
			return err
		}
	}
	ep := os.Getenv("VOD_ENDPOINT")
	if ep == "" {
		return nil
	}
	u, err := url.Parse(ep)
	if err != nil {
		return err
	}
	fcc, ok := fccontext.FromContext(ctx)
	if !ok {
		return errors.New("no FC context")
	}
	c := fcc.Credentials
	client, err := vodapi.NewClientWithStsToken("cn-shanghai", c.AccessKeyId, c.AccessKeySecret, c.SecurityToken)
	if err != nil {
		return err
	}
	client.Domain = u.Host
	q := vodapi.CreateDescribeVodRefreshQuotaRequest()
	q.Scheme = u.Scheme
	if _, err := client.DescribeVodRefreshQuota(q); err != nil {
		return err
	}
	r := vodapi.CreateRefreshVodObjectCachesRequest()
	r.Scheme, r.ObjectType, r.ObjectPath = u.Scheme, "File", "https://img.example.com/images/cover.jpg"
	_, err = client.RefreshVodObjectCaches(r)
	return err
}
