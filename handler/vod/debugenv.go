package vod

import "strings"

// sdkDebugFlag is the DEBUG element that makes the SDK print every request
// it sends: the signed URL, with the security token and the Signature.
const sdkDebugFlag = "sdk"

// WithoutSDKDebug returns env (KEY=VALUE entries, as os.Environ gives them)
// with "sdk" taken out of DEBUG, and whether it was there. The SDK reads
// DEBUG once, when its packages are initialised (sdk/utils.Init in
// alibaba-cloud-sdk-go v1.63.107, sdk/client.go), before main runs: only a
// process started with the returned environment is rid of it.
func WithoutSDKDebug(env []string) ([]string, bool) {
	out := make([]string, 0, len(env))
	found := false
	for _, kv := range env {
		v, ok := strings.CutPrefix(kv, "DEBUG=")
		if !ok {
			out = append(out, kv)
			continue
		}
		var keep []string
		for _, part := range strings.Split(v, ",") {
			if part == sdkDebugFlag {
				found = true
			} else {
				keep = append(keep, part)
			}
		}
		if len(keep) > 0 {
			out = append(out, "DEBUG="+strings.Join(keep, ","))
		}
	}
	return out, found
}

// SDKDebugWarning says why DEBUG=sdk was taken out of the environment.
const SDKDebugWarning = "DEBUG=sdk ignored: it makes the SDK print every signed request, security token and signature included"
