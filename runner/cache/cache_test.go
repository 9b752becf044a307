package cache

import (
	"context"
	"testing"
	"time"
)

func TestKey(t *testing.T) {
	k := Key("transcribe/v1", "episode.mkv", "ko")
	if len(k) != 64 {
		t.Fatalf("Key length = %d, want 64 hex digits", len(k))
	}
	if k != Key("transcribe/v1", "episode.mkv", "ko") {
		t.Error("Key is not deterministic")
	}
	distinct := [][]string{
		{"ab", "c"},
		{"a", "bc"},
		{"abc"},
		{"c", "ab"},
		{},
		{""},
		{"", ""},
	}
	seen := map[string][]string{}
	for _, parts := range distinct {
		key := Key(parts...)
		if prev, ok := seen[key]; ok {
			t.Errorf("Key(%q) == Key(%q)", parts, prev)
		}
		seen[key] = parts
	}
}

func TestNoopAlwaysMisses(t *testing.T) {
	for name, c := range map[string]Cache{"Noop": Noop(), "OrNoop(nil)": OrNoop(nil)} {
		ctx := context.Background()
		if err := c.Set(ctx, "k", "value", time.Minute); err != nil {
			t.Errorf("%s Set: %v", name, err)
		}
		v := "untouched"
		hit, err := c.Get(ctx, "k", &v)
		if hit || err != nil || v != "untouched" {
			t.Errorf("%s Get = %t, %v, value %q; want a clean miss", name, hit, err, v)
		}
		if err := c.Close(); err != nil {
			t.Errorf("%s Close: %v", name, err)
		}
	}
}

func TestOrNoopKeepsARealCache(t *testing.T) {
	c, err := NewRedis("redis://127.0.0.1:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if OrNoop(c) != c {
		t.Error("OrNoop replaced a non-nil cache")
	}
}
