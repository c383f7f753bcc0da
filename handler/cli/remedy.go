package cli

import (
	"errors"
	"fmt"
	"io"

	"vodrefresh/handler/vod"
)

// callFailed prints a failed VOD call of an operator's command, and on the
// next line what to do about it, as invoke --send says for a refresh. It
// returns the exit code, 1.
func callFailed(w io.Writer, err error) int {
	fmt.Fprintf(w, "vodrefresh: %v\n", err)
	if fix := remedy(err); fix != "" {
		fmt.Fprintf(w, "  what to do: %s\n", fix)
	}
	return 1
}

// remedy says what the operator running a read-only command (quota,
// tasks, check --account) can do about err: the refresh's remedy where it
// applies to them too, and one of their own where the command's identity,
// not the function's role, is at fault.
func remedy(err error) string {
	var e *vod.APIError
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code {
	case "Forbidden.RAM":
		return fmt.Sprintf("the identity of these credentials lacks vod:%s: grant it to the RAM user or role whose AccessKey is set (vodrefresh policy prints the function's own policy)", e.Action)
	case "InvalidSecurityToken.Expired":
		return "the STS token expired: get fresh credentials and run the command again"
	case "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch":
		return "check " + vod.EnvAccessKeyID + " and " + vod.EnvAccessKeySecret + ", and " + vod.EnvEndpoint + "'s region"
	}
	f := vod.Classify(e)
	switch f.Outcome {
	case vod.Retry, vod.Defer:
		return "run the command again in a minute; if it keeps failing, give VOD's support the request ID"
	case vod.Permanent:
		return f.Action
	}
	return "give VOD's support the code and the request ID"
}
