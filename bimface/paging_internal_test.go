package bimface

import "testing"

// TestIDSet checks that the set is exact whatever the hash: with a hash
// that gives every ID the same value, IDs are told apart by their text.
func TestIDSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  *idSet
	}{
		{"maphash", newIDSet(4)},
		{"every ID one hash", &idSet{hash: func(string) uint64 { return 7 }, slots: make([]idSlot, 4)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, step := range []struct {
				id   string
				want bool
			}{{"a", true}, {"b", true}, {"a", false}, {"b", false}, {"c", true}, {"c", false}, {"", true}, {"", false}, {"d", true}, {"e", true}, {"a", false}, {"e", false}} {
				if got := tc.set.add(step.id); got != step.want {
					t.Fatalf("add(%q) = %v, want %v", step.id, got, step.want)
				}
			}
		})
	}
}
