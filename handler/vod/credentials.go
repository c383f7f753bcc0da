package vod

import (
	"context"
	"errors"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// Environment variables read by the SDK's default credentials provider.
const (
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// ErrNoCredentials means no credentials were found for a call to VOD.
var ErrNoCredentials = errors.New("no credentials for VOD: give the function a role, or set " +
	EnvAccessKeyID + " and " + EnvAccessKeySecret + " (and " + EnvSecurityToken + " for STS)")

// Credentials is a resolved provider and the values to keep out of logs.
type Credentials struct {
	Provider credentials.CredentialsProvider
	Secrets  []string
}

// HasEnvCredentials reports whether the environment holds an AccessKey pair.
func HasEnvCredentials(getenv func(string) string) bool {
	return getenv(EnvAccessKeyID) != "" && getenv(EnvAccessKeySecret) != ""
}

// ResolveCredentials picks the credentials for one invocation: the STS
// credentials that FC passes with the invocation, else the SDK's default
// provider when the environment holds a key pair. The default provider is
// only used then, so that it never falls through to a metadata service.
func ResolveCredentials(ctx context.Context, getenv func(string) string) (Credentials, error) {
	if fc, ok := fccontext.FromContext(ctx); ok && fc.Credentials.AccessKeyId != "" {
		c := fc.Credentials
		return Credentials{
			Provider: credentials.NewStaticSTSCredentialsProvider(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken),
			Secrets:  []string{c.AccessKeySecret, c.SecurityToken},
		}, nil
	}
	if HasEnvCredentials(getenv) {
		return Credentials{
			Provider: credentials.NewDefaultCredentialsProvider(),
			Secrets:  []string{getenv(EnvAccessKeySecret), getenv(EnvSecurityToken)},
		}, nil
	}
	return Credentials{}, ErrNoCredentials
}

// Dialer makes one invocation's client.
type Dialer interface {
	// Dial returns a client that signs with the invocation's credentials,
	// resolved from ctx or through getenv.
	Dial(ctx context.Context, getenv func(string) string) (Client, error)
}

// Dial resolves the invocation's credentials and connects with them.
func (c *Connector) Dial(ctx context.Context, getenv func(string) string) (Client, error) {
	creds, err := ResolveCredentials(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return c.Connect(creds.Provider, creds.Secrets...)
}
