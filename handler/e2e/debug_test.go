package e2e

import (
	"strings"
	"testing"

	"vodrefresh/handler/internal/fcemu"
)

// DEBUG=sdk makes the SDK print every signed request; the function takes
// it out of its environment at start-up and says so.
func TestSDKDebugIsNeutralised(t *testing.T) {
	r := newRigEnv(t, config, nil, map[string]string{"DEBUG": "sdk"})
	o := r.invoke(t, ossEvent("images/debug.png"), fcemu.Invocation{})
	if o.Error != nil || len(r.refreshes()) != 1 {
		t.Fatalf("outcome %+v, %d refreshes; stderr: %s", o.Error, len(r.refreshes()), r.proc.stderr.String())
	}
	out := r.proc.stdout.String() + r.proc.stderr.String()
	for _, bad := range []string{stsToken, stsSecret, "Signature=", "SecurityToken="} {
		if strings.Contains(out, bad) {
			t.Errorf("the process printed %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(r.proc.stdout.String(), `"level":"WARN","msg":"DEBUG=sdk ignored`) {
		t.Errorf("no warning says why DEBUG=sdk was ignored:\n%s", r.proc.stdout.String())
	}
}
