package vod

import (
	"reflect"
	"testing"
)

func TestWithoutSDKDebug(t *testing.T) {
	tests := []struct {
		env   []string
		want  []string
		found bool
	}{
		{[]string{"A=1", "DEBUG=sdk", "B=2"}, []string{"A=1", "B=2"}, true},
		{[]string{"DEBUG=tea,sdk,signer"}, []string{"DEBUG=tea,signer"}, true},
		{[]string{"DEBUG=sdk,sdk"}, []string{}, true},
		{[]string{"DEBUG=tea"}, []string{"DEBUG=tea"}, false},
		{[]string{"DEBUG=sdkx", "XDEBUG=sdk"}, []string{"DEBUG=sdkx", "XDEBUG=sdk"}, false},
		{[]string{}, []string{}, false},
	}
	for _, tt := range tests {
		got, found := WithoutSDKDebug(tt.env)
		if !reflect.DeepEqual(got, tt.want) || found != tt.found {
			t.Errorf("WithoutSDKDebug(%q) = %q, %v; want %q, %v", tt.env, got, found, tt.want, tt.found)
		}
	}
}
