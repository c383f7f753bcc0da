package vod

import (
	"errors"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
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

// STS is a set of temporary credentials, as Function Compute passes them
// with each invocation of a function that has a role. The zero value means
// none were passed.
type STS struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

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
// credentials that FC passed with it, else the SDK's default provider when
// the environment holds a key pair. The default provider is only used
// then, so that it never falls through to a metadata service.
func ResolveCredentials(sts STS, getenv func(string) string) (Credentials, error) {
	if sts.AccessKeyID != "" {
		return Credentials{
			Provider: credentials.NewStaticSTSCredentialsProvider(sts.AccessKeyID, sts.AccessKeySecret, sts.SecurityToken),
			Secrets:  []string{sts.AccessKeySecret, sts.SecurityToken},
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
	// Dial returns a client that signs with the invocation's credentials:
	// sts when it is set, else the environment's key pair.
	Dial(sts STS) (Client, error)
}

// Dial resolves the invocation's credentials and connects with them.
func (c *Connector) Dial(sts STS) (Client, error) {
	creds, err := ResolveCredentials(sts, c.getenv)
	if err != nil {
		return nil, err
	}
	return c.Connect(creds.Provider, creds.Secrets...)
}
