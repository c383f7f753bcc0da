package webhook

import (
	"maps"
	"slices"
	"testing"

	"vodrefresh/handler/change"
)

// The configuration checks routes against change's names: every kind must
// have a parser here, and every scheme a maker, and no more.
func TestTablesFollowChange(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(parsers)), slices.Sorted(slices.Values(change.Kinds())); !slices.Equal(got, want) {
		t.Errorf("parsers for %v, kinds %v", got, want)
	}
	var made []string
	for _, s := range schemes {
		made = append(made, s.name)
	}
	if want := change.Schemes(); !slices.Equal(made, want) {
		t.Errorf("schemes table %v, change.Schemes %v", made, want)
	}
}
