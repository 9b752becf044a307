package cache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/langflix/langflix-operator/runner/failure"
)

// skipRedisEnv lets a machine without redis-server run the other tests; CI installs redis-server and does
// not set it, so there a missing server fails the tests.
const skipRedisEnv = "LANGFLIX_SKIP_REDIS"

// testRedis is the redis-server that TestMain starts for this package.
var testRedis struct {
	url string
	err error // why there is no server
}

func TestMain(m *testing.M) {
	stop := startRedis()
	code := m.Run()
	stop()
	os.Exit(code)
}

// redisURL returns the test server's URL, or ends the test: skipped if skipRedisEnv=1, failed otherwise.
func redisURL(t *testing.T) string {
	t.Helper()
	if os.Getenv(skipRedisEnv) == "1" {
		t.Skipf("%s=1: tests against a real redis-server skipped", skipRedisEnv)
	}
	if testRedis.err != nil {
		t.Fatalf("no redis-server for the cache tests: %v\n"+
			"Install redis-server (CI does), or set %s=1 to skip these tests.", testRedis.err, skipRedisEnv)
	}
	return testRedis.url
}

// startRedis starts a throw-away redis-server on a free loopback port, without persistence, and returns
// the function that stops it. Failures are kept in testRedis.err for the tests to report.
func startRedis() (stop func()) {
	stop = func() {}
	if os.Getenv(skipRedisEnv) == "1" {
		return stop
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		testRedis.err = fmt.Errorf("redis-server not found in PATH: %w", err)
		return stop
	}
	dir, err := os.MkdirTemp("", "langflix-redis-")
	if err != nil {
		testRedis.err = err
		return stop
	}
	// The free port is found by binding it and letting it go, so another process can take it in
	// between: try a few ports.
	for attempt := 0; attempt < 3; attempt++ {
		var srv *exec.Cmd
		srv, testRedis.url, testRedis.err = launchRedis(bin, dir)
		if testRedis.err == nil {
			return func() {
				_ = srv.Process.Signal(syscall.SIGTERM)
				_ = srv.Wait()
				_ = os.RemoveAll(dir)
			}
		}
	}
	_ = os.RemoveAll(dir)
	return stop
}

func launchRedis(bin, dir string) (*exec.Cmd, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	srv := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no")
	out, err := srv.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	srv.Stderr = srv.Stdout
	if err := srv.Start(); err != nil {
		return nil, "", fmt.Errorf("start redis-server: %w", err)
	}
	// redis-server logs "Ready to accept connections" once it listens; waiting for that line instead of
	// polling keeps the start deterministic. The log is kept for the error message if it never comes.
	ready := make(chan struct{})
	var logMu sync.Mutex
	var log bytes.Buffer
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if !signalled && strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				signalled = true
			}
		}
		_, _ = io.Copy(io.Discard, out)
		if !signalled {
			close(ready)
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
	}
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	if err := ping(url); err != nil {
		_ = srv.Process.Kill()
		_ = srv.Wait()
		logMu.Lock()
		defer logMu.Unlock()
		return nil, "", fmt.Errorf("redis-server on port %d did not answer: %v; its log:\n%s", port, err, log.String())
	}
	return srv, url, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func ping(url string) error {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// lesson is a value shaped like what stages cache: nested, with text in several scripts.
type lesson struct {
	Expression  string            `json:"expression"`
	Translation string            `json:"translation"`
	StartMs     int64             `json:"startMs"`
	Tags        []string          `json:"tags"`
	Extra       map[string]string `json:"extra"`
}

func newTestCache(t *testing.T) (Cache, *redis.Client) {
	t.Helper()
	url := redisURL(t)
	c, err := NewRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	opts, _ := redis.ParseURL(url)
	raw := redis.NewClient(opts)
	t.Cleanup(func() { _ = raw.Close() })
	return c, raw
}

func TestRedisRoundTrip(t *testing.T) {
	c, raw := newTestCache(t)
	ctx := context.Background()
	key := Key("test", t.Name())
	want := lesson{
		Expression: "a dark past", Translation: "어두운 과거", StartMs: 137250,
		Tags: []string{"idiom", "B2"}, Extra: map[string]string{"source": "sintel_en.srt"},
	}
	if err := c.Set(ctx, key, want, time.Minute); err != nil {
		t.Fatalf("Set: %v", err)
	}
	var got lesson
	hit, err := c.Get(ctx, key, &got)
	if err != nil || !hit {
		t.Fatalf("Get = %t, %v; want a hit", hit, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	// Stored as JSON under the prefixed key, so other tools can read it and other apps' keys stay apart.
	stored, err := raw.Get(ctx, "langflix:"+key).Result()
	if err != nil {
		t.Fatalf("raw get of the prefixed key: %v", err)
	}
	if !strings.Contains(stored, `"translation":"어두운 과거"`) {
		t.Errorf("stored value %q is not the JSON encoding", stored)
	}
	if n, _ := raw.Exists(ctx, key).Result(); n != 0 {
		t.Errorf("value also stored under the unprefixed key")
	}

	// Set replaces.
	want.StartMs = 1
	if err := c.Set(ctx, key, want, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, key, &got); err != nil || got.StartMs != 1 {
		t.Errorf("after overwrite: StartMs = %d, %v; want 1", got.StartMs, err)
	}
}

func TestRedisMiss(t *testing.T) {
	c, _ := newTestCache(t)
	v := lesson{Expression: "untouched"}
	hit, err := c.Get(context.Background(), Key("test", t.Name(), "never set"), &v)
	if hit || err != nil || v.Expression != "untouched" {
		t.Errorf("Get of a missing key = %t, %v, value %+v; want a clean miss", hit, err, v)
	}
}

func TestRedisTTL(t *testing.T) {
	c, raw := newTestCache(t)
	ctx := context.Background()
	key := Key("test", t.Name())
	const ttl = 90 * time.Second
	if err := c.Set(ctx, key, "x", ttl); err != nil {
		t.Fatal(err)
	}
	// The server's own countdown, read back instead of waiting for the entry to expire.
	left, err := raw.PTTL(ctx, "langflix:"+key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if left <= 0 || left > ttl {
		t.Errorf("PTTL = %s, want within (0, %s]", left, ttl)
	}
	for _, bad := range []time.Duration{0, -time.Second} {
		if err := c.Set(ctx, key, "x", bad); err == nil {
			t.Errorf("Set with ttl %s succeeded", bad)
		}
	}
}

func TestRedisEncodingErrors(t *testing.T) {
	c, _ := newTestCache(t)
	ctx := context.Background()
	key := Key("test", t.Name())
	if err := c.Set(ctx, key, make(chan int), time.Minute); err == nil {
		t.Error("Set of a value JSON cannot encode succeeded")
	}
	if err := c.Set(ctx, key, "text", time.Minute); err != nil {
		t.Fatal(err)
	}
	var n int
	if hit, err := c.Get(ctx, key, &n); hit || err == nil {
		t.Errorf("Get into the wrong type = %t, %v; want an error", hit, err)
	}
}

func TestNewRedisRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "http://127.0.0.1:6379", "redis://:hunter2@host:notaport", "redis://host/not-a-db", "redis://host/0?dial_timeout=soon"} {
		c, err := NewRedis(u)
		if !failure.IsInvalid(err) {
			t.Errorf("NewRedis(%q) = %v, %v; want InvalidInput", u, c, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error repeats the password: %v", err)
		}
	}
}

func TestRedisUnreachableIsAnErrorNotAMiss(t *testing.T) {
	port, err := freePort() // nothing listens there once freePort returns
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewRedis(fmt.Sprintf("redis://127.0.0.1:%d/0", port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var v string
	hit, err := c.Get(context.Background(), "k", &v)
	if hit || err == nil {
		t.Errorf("Get from an unreachable server = %t, %v; want an error", hit, err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("error %v does not carry the network failure", err)
	}
}
