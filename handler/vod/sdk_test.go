package vod_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

// A service message that echoes the failed request's signature, under any
// label or none, reaches no error text: the signature, read from the
// signed request, is redacted in every encoding.
func TestErrorsRedactTheSignature(t *testing.T) {
	const ak, secret, token = "LTAI-test-key", "test-secret-value-0001", "CAIS-test-token-0001"
	for _, msg := range []string{
		"Signature: {} is wrong",
		"sig {}",
		"the request {} failed",
	} {
		t.Run(msg, func(t *testing.T) {
			srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			srv.Script("RefreshVodObjectCaches", vodfake.Reply{Status: 400, Code: "InvalidParameter", Message: msg, Echo: "Signature"})
			ep, err := vod.ParseEndpoint(srv.Endpoint())
			if err != nil {
				t.Fatal(err)
			}
			c, err := vod.NewConnector(ep, func(string) string { return "" }).Connect(credentials.NewStaticSTSCredentialsProvider(ak, secret, token), secret, token)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Refresh(context.Background(), "File", []string{"https://video.example.com/a.mp4"})
			if err == nil {
				t.Fatal("the call succeeded")
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			sig := reqs[0].Params.Get("Signature")
			if sig == "" {
				t.Fatal("no signature was sent")
			}
			for _, form := range []string{sig, url.QueryEscape(sig), url.PathEscape(sig)} {
				if strings.Contains(err.Error(), form) {
					t.Errorf("the error holds the signature (%s): %v", form, err)
				}
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("the error %q redacts nothing", err)
			}
		})
	}
}
