package main

import "testing"

// Test binaries are built without the release's -ldflags, so the version is the default.
func TestVersionIsUnstampedInTests(t *testing.T) {
	if version != "dev" {
		t.Fatalf("version = %q, want \"dev\"", version)
	}
}
