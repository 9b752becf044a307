package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/langflix/langflix-operator/runner/failure"
)

// keyPrefix keeps our entries apart when the Redis server is shared with other applications.
const keyPrefix = "langflix:"

type redisCache struct {
	client *redis.Client
}

// NewRedis returns a cache on the Redis server named by url (redis://[user:password@]host:port/db,
// rediss:// for TLS, or unix://). It does not connect yet: an unreachable server shows up as errors from
// Get and Set, which callers treat as misses, so a cache outage never fails a task. A malformed url is
// failure.Invalid; the message never repeats the url, which may hold a password.
func NewRedis(url string) (Cache, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, failure.Invalid("cache: invalid redis URL: %v", withoutURL(err))
	}
	return &redisCache{client: redis.NewClient(opts)}, nil
}

// withoutURL drops the URL that url.Parse puts into its errors.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (c *redisCache) Get(ctx context.Context, key string, v any) (bool, error) {
	data, err := c.client.Get(ctx, keyPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cache get %s: %w", key, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("cache get %s: decode: %w", key, err)
	}
	return true, nil
}

func (c *redisCache) Set(ctx context.Context, key string, v any, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("cache set %s: ttl must be positive, got %s", key, ttl)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cache set %s: encode: %w", key, err)
	}
	if err := c.client.Set(ctx, keyPrefix+key, data, ttl).Err(); err != nil {
		return fmt.Errorf("cache set %s: %w", key, err)
	}
	return nil
}

func (c *redisCache) Close() error { return c.client.Close() }
