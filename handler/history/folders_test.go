package history

import (
	"reflect"
	"slices"
	"testing"
)

func TestEnclosingFolders(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want []string
	}{
		{"https://h/a/b/c.jpg", []string{"https://h/a/", "https://h/a/b/"}},
		{"https://h/c.jpg", nil},
		{"https://h/a/b/", []string{"https://h/a/", "https://h/a/b/"}},
		{"https://h/shop/item?from=/home/1", []string{"https://h/shop/"}},
		{"https://h/a/x.jpg#/b/", []string{"https://h/a/"}},
		{"https://h", nil},
		{"not a url", nil},
	} {
		if got := slices.Collect(enclosingFolders(tt.url)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("enclosingFolders(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
